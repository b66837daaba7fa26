package dev.eventwire.console;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console as a person sees it in the browser: what to click and type, and what shows. */
final class ConsolePage {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final String baseUrl;

    ConsolePage(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    void open() {
        driver.get(baseUrl + "/console");
        visible(By.id("api-key"));
    }

    void signIn(String key) {
        WebElement input = visible(By.id("api-key"));
        input.clear();
        input.sendKeys(key);
        driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    }

    void go(String section) {
        driver.findElement(By.linkText(section)).click();
        until(() -> heading().equals(section), "the " + section + " page");
    }

    String heading() {
        return driver.findElements(By.cssSelector("#view h1")).stream().findFirst().map(WebElement::getText).orElse("");
    }

    String status() {
        return driver.findElement(By.id("status")).getText();
    }

    String tile(String metric) {
        return visible(By.cssSelector("[data-metric='" + metric + "'] .tile-value")).getText();
    }

    WebElement visible(By by) {
        return waiter().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    void type(String id, String text) {
        WebElement input = visible(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    /** Waits for what the page shows; the condition may click (Refresh) before it looks. */
    void until(Supplier<Boolean> condition, String what) {
        waiter().withMessage(what).until(d -> {
            try {
                return condition.get();
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException rerendered) {
                return false;
            }
        });
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    private WebDriverWait waiter() {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
    }
}
