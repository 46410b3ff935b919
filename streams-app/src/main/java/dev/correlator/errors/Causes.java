package dev.correlator.errors;

/** Looks through an exception's cause chain. */
public final class Causes {

    private Causes() {
    }

    /** The first throwable of the chain (the exception itself included) of the given type, or null. */
    public static <T extends Throwable> T find(Throwable exception, Class<T> type) {
        int depth = 0;
        for (Throwable t = exception; t != null && depth < 32; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
