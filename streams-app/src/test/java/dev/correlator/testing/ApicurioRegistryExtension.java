package dev.correlator.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a running {@link ApicurioRegistry} into test constructors, test methods and lifecycle methods.
 *
 * <p>One registry is started lazily, the first time a parameter asks for it, and shared by every test
 * class of the test JVM run; it lives in the root {@link ExtensionContext.Store}, which closes it
 * ({@link AutoCloseable}) when the run ends. Tests share its state: use unique subject names and do
 * not change the global compatibility level.
 *
 * <pre>{@code
 * @ExtendWith(ApicurioRegistryExtension.class)
 * class MySerdeIT {
 *     @Test
 *     void roundTrip(ApicurioRegistry registry) {
 *         var url = registry.url(); // http://127.0.0.1:PORT/apis/ccompat/v7
 *     }
 * }
 * }</pre>
 */
public final class ApicurioRegistryExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return registry(extensionContext);
    }

    /** The shared registry of this test run, started on first use. */
    public static ApicurioRegistry registry(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(ApicurioRegistry.class, key -> ApicurioRegistry.start(), ApicurioRegistry.class);
    }
}
