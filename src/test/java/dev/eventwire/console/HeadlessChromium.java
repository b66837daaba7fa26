package dev.eventwire.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium and ChromeDriver, headless, at fixed paths ({@code EVENTWIRE_CHROMIUM},
 * {@code EVENTWIRE_CHROMEDRIVER}, default {@code /usr/bin/...}). Both are given explicitly so Selenium
 * Manager never tries to download a browser or driver. A missing browser fails the test: the
 * {@code test} script installs them.
 */
final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** {@code tmp}: the browser's temporary folder (its shared-memory files land there), deleted with the test's. */
    static ChromeDriver start(int width, int height, Path tmp) {
        Path browser = Path.of(env("EVENTWIRE_CHROMIUM", "/usr/bin/chromium"));
        Path driver = Path.of(env("EVENTWIRE_CHROMEDRIVER", "/usr/bin/chromedriver"));
        String install = "; run ./test (it installs them) or: apt-get install chromium chromium-driver";
        assertThat(Files.isExecutable(browser)).as("Chromium at " + browser + install).isTrue();
        assertThat(Files.isExecutable(driver)).as("ChromeDriver at " + driver + install).isTrue();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("TMPDIR", tmp.toString()))
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }

    /** What the page's console said: a Content-Security-Policy violation or a script error shows up here. */
    static List<String> consoleErrors(WebDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value != null && !value.isBlank() ? value : fallback;
    }
}
