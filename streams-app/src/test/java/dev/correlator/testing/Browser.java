package dev.correlator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} driven through its {@code chromedriver}
 * (paths given, so Selenium Manager never looks anything up on the network), a fresh profile, no background
 * network, 1280×800. Without the browser the test is skipped, unless {@code -Dbrowser.required=true} (CI) makes
 * that a failure.
 */
public final class Browser {

    public static final String REQUIRED_PROPERTY = "browser.required";
    public static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** Skips the test when the browser is missing and not required; fails it when required. */
    public static void assumeAvailable() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            if (!present) {
                throw new IllegalStateException("-D" + REQUIRED_PROPERTY + "=true but " + CHROMIUM + " or " + CHROMEDRIVER
                        + " is missing (Debian: apt-get install chromium chromium-driver)");
            }
            return;
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " / " + CHROMEDRIVER + ": browser test skipped");
    }

    /** A headless Chromium with a new profile under {@code profileDir}; quit it when done. */
    public static ChromeDriver start(Path profileDir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profileDir.toAbsolutePath(), "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // --window-size is the window, not the page: pin the viewport itself to 1280×800
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
        return driver;
    }

    /** Saves what the browser shows to {@code file} (directories created). */
    public static Path screenshot(ChromeDriver driver, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        return Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
