package dev.eventwire.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.support.Durations;
import dev.eventwire.support.ApiClient;
import dev.eventwire.support.Receiver;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import dev.eventwire.ServeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real headless Chromium against a real server, a real receiver on loopback and a
 * real DuckDB file: what a person signed in with a tenant key sees and can do.
 */
class ConsoleBrowserTest {
    @TempDir
    Path dir;
    TestServer server;
    Receiver receiver;
    ApiClient acme;
    ChromeDriver driver;
    ConsolePage page;

    @BeforeEach
    void start() throws java.io.IOException {
        receiver = new Receiver();
        // One retry 200 ms after a failure: a delivery to a failing receiver is dead within a second.
        server = startServer(c -> c);
        acme = server.tenant("acme");
        driver = HeadlessChromium.start(1280, 900, java.nio.file.Files.createDirectories(dir.resolve("browser-tmp")));
        page = new ConsolePage(driver, server.baseUrl());
    }

    private TestServer startServer(UnaryOperator<ServeConfig> tweak) {
        return TestServer.withLoopbackReceivers(dir.resolve("data"), Clock.systemUTC(),
                c -> tweak.apply(c.withRetrySchedule(Durations.parseList("200ms"))));
    }

    /** Stops the server and starts another on the same port and data folder (the keys are kept), as an operator's restart. */
    private void restart(UnaryOperator<ServeConfig> tweak) {
        int port = server.app().port();
        server.close();
        server = startServer(c -> tweak.apply(c.withPort(port)));
    }

    private Path metricsFile(String yaml) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("metrics.yaml"), yaml);
    }

    @AfterEach
    void stop() {
        if (driver != null) driver.quit();
        server.close();
        receiver.close();
    }

    @Test
    void signInCreateWebhooksWatchDeliveriesRetryTheDeadOneSearchEventsAndSignOut() {
        receiver.answer(r -> r.path().equals("/fail") ? new Receiver.Answer(500, Map.of(), "receiver \u202edown", Duration.ZERO)
                : Receiver.Answer.status(200));
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        assertThat(page.script("return sessionStorage.getItem('eventwire.apiKey')")).isEqualTo(acme.key());
        assertThat(page.tile("events_total")).isEqualTo("0");
        assertThat(page.all(By.cssSelector(".charts figure svg"))).as("ingest and delivery charts").hasSize(2);
        page.until(() -> driver.findElement(By.id("overview-updated")).getText().startsWith("Updated"), "the first refresh");
        assertThat(page.visible(By.id("overview-updated")).getText()).as("in UTC, as the tables' times").matches("Updated \\d{2}:\\d{2}:\\d{2}Z");

        page.go("Webhooks");
        String okHook = createWebhook(receiver.url("/ok"));
        String failHook = createWebhook(receiver.url("/fail"));

        assertThat(acme.post("/v1/events", "{\"event_id\":\"ev-1\",\"event_type\":\"order.created\",\"entity_id\":\"o-1\","
                + "\"data\":{\"total_amount\":42,\"session_id\":\"s-1\"}}").status()).isEqualTo(202);
        assertThat(acme.post("/v1/events", "{\"event_type\":\"Not A Type\"}").status()).isEqualTo(422);

        // The delivery to the failing receiver dies within a second, and Eventwire reports it with an event of
        // its own, which events_total counts too: wait for it, so the tile's figure does not depend on timing.
        Receiver.await(() -> acme.get("/v1/events?event_type=eventwire.delivery.dead").body().contains("evw_dead_"), Duration.ofSeconds(20),
                "the report of the dead delivery");
        page.go("Overview");
        page.until(() -> page.tile("events_total").equals("2"), "the events_total tile to show the event and the report of its dead delivery");
        page.until(() -> page.tile("order_count").equals("1"), "the order_count tile");
        assertThat(page.tile("revenue")).isEqualTo("42.00");

        openWebhook(okHook);
        WebElement delivered = awaitDelivery("ev-1", "delivered");
        delivered.findElement(By.xpath(".//button[text()='Attempts']")).click();
        page.until(() -> attemptCells("ev-1", "td.status-code").equals("200"), "the attempt with status 200");

        // Found by the webhook-id its receiver logged, among the webhook's other deliveries.
        assertThat(acme.post("/v1/events", "{\"event_id\":\"ev-2\",\"event_type\":\"order.updated\",\"entity_id\":\"o-2\"}").status())
                .isEqualTo(202);
        awaitDelivery("ev-2", "delivered");
        String messageId = acme.get("/v1/webhooks/" + okHook + "/deliveries/ev-1").json().get("message_id").asText();
        assertThat(messageId).startsWith("msg_");
        page.type("delivery-message-id", " " + messageId + " ");
        driver.findElement(By.cssSelector("#delivery-find button[type=submit]")).click();
        page.until(() -> page.all(By.cssSelector("#delivery-list[aria-busy='false'] tr[data-delivery]")).stream()
                .map(r -> r.getAttribute("data-delivery")).toList().equals(List.of("ev-1")), "only ev-1 listed for its webhook-id");
        page.type("delivery-message-id", "msg_0000000000000000000000000");
        driver.findElement(By.cssSelector("#delivery-find button[type=submit]")).click();
        page.until(() -> page.visible(By.id("delivery-list")).getText()
                .equals("No delivery of this webhook with the webhook-id msg_0000000000000000000000000."), "nothing for an unknown webhook-id");

        openWebhook(failHook);
        new Select(page.visible(By.id("delivery-status"))).selectByVisibleText("dead");
        WebElement dead = awaitDelivery("ev-1", "dead");
        dead.findElement(By.xpath(".//button[text()='Attempts']")).click();
        page.until(() -> attemptCells("ev-1", "td.status-code").equals("500 500"), "two failed attempts with status 500");
        assertThat(page.visible(By.cssSelector("#attempts-ev-1 pre.excerpt")).getText()).as("a bidi control shown, not obeyed")
                .isEqualTo("receiver \\u202Edown");

        receiver.answerStatus(200);
        dead.findElement(By.xpath(".//button[text()='Retry']")).click();
        page.until(() -> page.status().equals("Delivery of ev-1 queued for a retry."), "the retry announcement");
        new Select(page.visible(By.id("delivery-status"))).selectByVisibleText("all");
        WebElement retried = awaitDelivery("ev-1", "delivered");
        retried.findElement(By.xpath(".//button[text()='Attempts']")).click();
        page.until(() -> attemptCells("ev-1", "td.status-code").equals("500 500 200"), "the manual retry's 200");
        assertThat(page.visible(By.cssSelector("#attempts-ev-1 tr[data-attempt='3']")).getText()).contains("manual", "delivered");

        page.go("Events");
        page.type("event-type", "order");
        page.type("entity-id", "o-1");
        driver.findElement(By.cssSelector("#event-search button[type=submit]")).click();
        WebElement event = page.visible(By.cssSelector("tr[data-event='ev-1']"));
        assertThat(page.all(By.cssSelector("tr[data-event]"))).hasSize(1);
        event.findElement(By.xpath(".//button[text()='Raw JSON']")).click();
        assertThat(page.visible(By.cssSelector("#raw-ev-1 pre")).getText()).contains("\"event_type\": \"order.created\"", "\"total_amount\": 42");
        // Numbers a double cannot hold are shown as the API holds them (JSON.parse and print again changed them).
        assertThat(acme.post("/v1/events", "{\"event_id\":\"ev-big\",\"event_type\":\"order.created\",\"entity_id\":\"o-1\","
                + "\"data\":{\"total_amount\":999999999999999.99,\"n\":9007199254740993,\"z\":-0.0,\"list\":[],\"nested\":{}}}").status()).isEqualTo(202);
        String held = acme.get("/v1/events/ev-big").body();
        driver.findElement(By.cssSelector("#event-search button[type=submit]")).click();
        page.visible(By.cssSelector("tr[data-event='ev-big']")).findElement(By.xpath(".//button[text()='Raw JSON']")).click();
        String shown = page.visible(By.cssSelector("#raw-ev-big pre")).getText();
        assertThat(shown).contains("\"total_amount\": 999999999999999.99", "\"n\": 9007199254740993", "\"list\": []", "\"nested\": {}");
        assertThat(shown.replaceAll("\\s", "")).as("the API's own text, laid out").isEqualTo(held.replaceAll("\\s", ""));

        page.go("Rejected events");
        assertThat(page.visible(By.cssSelector("#rejected-list tbody tr")).getText()).contains("invalid_format", "event_type");
        assertThat(acme.post("/v1/events", "{\"event_type\":\"a.b\",\"surprise\":1}").status()).isEqualTo(422);
        page.visible(By.id("refresh-rejected")).click();
        page.until(() -> page.all(By.cssSelector("#rejected-list tbody tr")).size() == 2, "the event refused since the page opened, after Refresh");

        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations").isEmpty();

        driver.findElement(By.id("sign-out")).click();
        page.visible(By.id("api-key"));
        assertThat(page.status()).isEqualTo("Signed out.");
        assertThat(page.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        driver.navigate().refresh();
        page.visible(By.id("api-key"));
        assertThat(page.heading()).isEmpty();
    }

    @Test
    void keyboardSignInRefusesWrongKeysAndFitsAPhoneScreen() {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        page.open();
        assertThat(driver.switchTo().activeElement().getAttribute("id")).as("the key field has focus").isEqualTo("api-key");

        driver.switchTo().activeElement().sendKeys("ew_not_a_key", Keys.ENTER);
        page.until(() -> page.status().equals("That key is not valid."), "the refusal of an unknown key");
        page.signIn(TestServer.ADMIN_KEY);
        page.until(() -> page.status().equals("That is the admin key: the console needs a tenant key."), "the refusal of the admin key");

        WebElement input = page.visible(By.id("api-key"));
        input.clear();
        input.sendKeys(acme.key(), Keys.ENTER);
        page.until(() -> page.heading().equals("Overview"), "the overview");
        page.tile("events_total");
        for (String section : new String[] {"Webhooks", "Events", "Rejected events", "Overview"}) {
            page.go(section);
            assertThat(driver.switchTo().activeElement().getTagName()).as("focus moves to the page heading").isEqualTo("h1");
            assertThat(page.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as(section + " fits the phone's width").isEqualTo(true);
        }
        page.go("Events");
        page.visible(By.linkText("Event types")).click();
        page.until(() -> page.heading().equals("Event types"), "the event types page");
        assertThat(driver.switchTo().activeElement().getTagName()).as("focus moves to the page heading").isEqualTo("h1");
        assertThat(page.visible(By.cssSelector("#event-type-list p")).getText()).isEqualTo("No events yet.");
        assertThat(driver.findElement(By.cssSelector("#nav a[aria-current='page']")).getText()).isEqualTo("Events");
        assertThat(page.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("Event types fits the phone's width").isEqualTo(true);
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /** More types than a page: the last one by name is a click away, not silently left out. */
    @Test
    void eventTypesPageByNameToTheLastOne() {
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 100; i++) batch.append(i == 0 ? "" : ",").append("{\"event_type\":\"kind.n").append(String.format("%03d", i)).append("\"}");
        assertThat(acme.post("/v1/events", batch.append("]}").toString()).json().get("accepted").asInt()).isEqualTo(100);
        assertThat(acme.post("/v1/events", "{\"event_type\":\"zz.newest\"}").status()).isEqualTo(202);
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.go("Events");
        page.visible(By.linkText("Event types")).click();
        page.until(() -> page.all(By.cssSelector("#event-type-list tr[data-event-type]")).size() == 100, "the first page of 100");
        assertThat(page.all(By.cssSelector("#event-type-list tr[data-event-type='zz.newest']"))).isEmpty();
        driver.findElement(By.xpath("//button[text()='Next page']")).click();
        page.until(() -> page.all(By.cssSelector("#event-type-list tr[data-event-type]")).size() == 1, "the second page");
        assertThat(page.visible(By.cssSelector("#event-type-list tr[data-event-type='zz.newest'] td.count")).getText()).isEqualTo("1");
        assertThat(driver.findElement(By.xpath("//button[text()='Next page']")).isEnabled()).isFalse();
        driver.findElement(By.xpath("//button[text()='Previous page']")).click();
        page.until(() -> page.all(By.cssSelector("#event-type-list tr[data-event-type]")).size() == 100, "the first page again");
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    @Test
    void webhookPagesEditFiltersSwitchOffAndOnSendATestShowTheSecretAndRecover() throws Exception {
        receiver.answer(r -> r.path().equals("/down") ? Receiver.Answer.status(503) : Receiver.Answer.status(200));
        for (int i = 1; i <= 21; i++) {
            assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/h" + i) + "\",\"filters\":{\"event_types\":[\"nothing\"]}}").status()).isEqualTo(201);
        }
        ApiClient.Response down = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/down") + "\"}");
        String hook = down.json().get("id").asText();
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.go("Webhooks");
        page.until(() -> page.all(By.cssSelector("#webhook-list tr[data-webhook]")).size() == 20, "the first page of 20");
        assertThat(page.visible(By.cssSelector("#webhook-list tbody tr")).getText()).as("newest first").contains(receiver.url("/down"));
        // Paged with the keyboard: the button pressed at either end is disabled, and the focus goes to the other
        // one instead of dropping to the page's start.
        driver.findElement(By.xpath("//button[text()='Next page']")).sendKeys(Keys.ENTER);
        page.until(() -> page.all(By.cssSelector("#webhook-list tr[data-webhook]")).size() == 2, "the second page");
        assertThat(page.visible(By.cssSelector("#webhook-list tbody tr")).getText()).contains(receiver.url("/h2"));
        assertThat(driver.findElement(By.xpath("//button[text()='Next page']")).isEnabled()).isFalse();
        assertThat(driver.switchTo().activeElement().getText()).as("focus after the last page").isEqualTo("Previous page");
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        page.until(() -> page.all(By.cssSelector("#webhook-list tr[data-webhook]")).size() == 20, "back on the first page");
        assertThat(driver.switchTo().activeElement().getText()).as("focus after the first page").isEqualTo("Next page");

        page.visible(By.linkText(receiver.url("/down"))).click();
        page.until(() -> page.heading().equals("Webhook " + receiver.url("/down")), "the webhook's page");
        page.visible(By.xpath("//summary[text()='Edit URL, description, filters, rate limit and order']")).click();
        page.type("edit-event-types", "order, payment");
        page.type("edit-entity-ids", "acct,7\n order-9 \n");
        page.type("edit-min-amount", "100");
        page.type("edit-description", "big payments");
        new org.openqa.selenium.support.ui.Select(page.visible(By.id("edit-ordering"))).selectByValue("entity");
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> page.status().equals("Webhook saved."), "the save announcement");
        // What was saved is on the page without opening the form again.
        assertThat(page.visible(By.id("webhook-description")).getText()).isEqualTo("big payments");
        assertThat(page.visible(By.id("webhook-filters")).getText()).isEqualTo("types order, payment · entities \"acct,7\", \"order-9\" · amount ≥ 100");
        assertThat(page.visible(By.id("webhook-ordering")).getText()).isEqualTo("one at a time per entity");
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("ordering").asText()).isEqualTo("entity");
        JsonNode saved = acme.get("/v1/webhooks/" + hook).json().get("filters");
        assertThat(saved.get("event_types").toString()).isEqualTo("[\"order\",\"payment\"]");
        assertThat(saved.get("entity_ids").toString()).as("one id per line; a comma belongs to the id").isEqualTo("[\"acct,7\",\"order-9\"]");
        assertThat(saved.get("min_amount").asInt()).isEqualTo(100);
        page.go("Webhooks");
        assertThat(page.visible(By.cssSelector("tr[data-webhook='" + hook + "']")).getText()).as("each id quoted: one of them holds a comma")
                .contains("entities \"acct,7\", \"order-9\"").contains("one at a time per entity");
        openWebhook(hook);

        page.visible(By.xpath("//button[text()='Deactivate']")).click();
        page.until(() -> page.visible(By.id("webhook-state")).getText().startsWith("inactive"), "the webhook switched off");
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("active").asBoolean()).isFalse();
        page.visible(By.xpath("//button[text()='Activate']")).click();
        page.until(() -> page.visible(By.id("webhook-state")).getText().equals("active"), "the webhook switched on");

        page.visible(By.xpath("//button[text()='Show signing secret']")).click();
        assertThat(page.visible(By.id("webhook-secret")).getText()).isEqualTo(down.json().get("secret").asText());

        page.visible(By.xpath("//button[text()='Send test event']")).click();
        page.until(() -> page.status().startsWith("Test event failed: status 503"), "the failed test's announcement");
        receiver.answerStatus(200);
        page.visible(By.xpath("//button[text()='Send test event']")).click();
        page.until(() -> page.status().equals("Test event delivered (status 200, 1 attempt)."), "the delivered test's announcement");
        assertThat(receiver.received().stream().filter(r -> r.path().equals("/down")).map(r -> r.header("eventwire-event-type")))
                .contains("webhook.test");

        // A test event still on its way when another page opens is not announced there (it once was, on
        // whatever page was open), and its button takes no second click meanwhile.
        long testsBefore = receiver.received().stream().filter(r -> r.path().equals("/down")).count();
        receiver.answer(r -> new Receiver.Answer(200, java.util.Map.of(), "", java.time.Duration.ofSeconds(2)));
        WebElement sendTest = page.visible(By.xpath("//button[text()='Send test event']"));
        sendTest.click();
        assertThat(sendTest.isEnabled()).as("disabled while the test event is on its way").isFalse();
        page.go("Events");
        Receiver.await(() -> receiver.received().stream().filter(r -> r.path().equals("/down")).count() > testsBefore, java.time.Duration.ofSeconds(10),
                "the slow test event received");
        Thread.sleep(3000); // the receiver answers after 2 s; what the console would say arrives by then
        assertThat(page.status()).as("nothing said on the Events page about the other page's test").isEmpty();
        receiver.answerStatus(200);
        openWebhook(hook);

        receiver.answerStatus(503);
        acme.post("/v1/events", "{\"event_id\":\"pay-1\",\"event_type\":\"payment.completed\",\"entity_id\":\"acct,7\",\"data\":{\"amount\":250}}");
        new Select(page.visible(By.id("delivery-status"))).selectByVisibleText("dead");
        awaitDelivery("pay-1", "dead");
        receiver.answerStatus(200);
        driver.findElement(By.cssSelector("#recover button[type=submit]")).click();
        page.until(() -> page.status().equals("1 dead delivery queued again."), "the recover announcement");
        new Select(page.visible(By.id("delivery-status"))).selectByVisibleText("delivered");
        awaitDelivery("pay-1", "delivered");

        // An event its filters left out, the filters widened, then a replay from the console.
        acme.post("/v1/events", "{\"event_id\":\"dep-1\",\"event_type\":\"deploy.finished\"}");
        acme.patch("/v1/webhooks/" + hook, "{\"filters\":{\"event_types\":[\"deploy\"]}}");
        driver.findElement(By.cssSelector("#replay button[type=submit]")).click();
        page.until(() -> page.status().equals("1 event queued for this webhook."), "the replay announcement");
        awaitDelivery("dep-1", "delivered");
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    @Test
    void rateLimitsWithTheApiErrorsBesideTheFieldASecretRotationAndTheEventTypes() {
        String rateError = "rate_limit must be a number of deliveries per second from 0.001 to 10000, or null.";
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.go("Webhooks");
        page.visible(By.xpath("//summary[text()='Create a webhook']")).click();
        String url = receiver.url("/paced");
        page.type("wh-url", url);
        page.type("wh-rate-limit", "0");
        driver.findElement(By.cssSelector("#create-webhook button[type=submit]")).click();
        assertThat(page.visible(By.id("wh-rate-limit-error")).getText()).isEqualTo(rateError);
        assertThat(driver.findElement(By.id("wh-rate-limit")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElement(By.id("wh-rate-limit")).getAttribute("aria-describedby")).contains("wh-rate-limit-error");
        assertThat(driver.switchTo().activeElement().getAttribute("id")).as("focus on the bad field").isEqualTo("wh-rate-limit");
        assertThat(page.status()).isEqualTo(rateError + " (rate_limit)");
        page.type("wh-rate-limit", "50");
        driver.findElement(By.cssSelector("#create-webhook button[type=submit]")).click();
        page.until(() -> page.status().equals("Webhook created: " + url), "the creation announcement");
        assertThat(page.all(By.id("wh-rate-limit-error"))).as("the error is gone once the value is good").isEmpty();
        String originalSecret = page.visible(By.id("new-secret")).getText();
        // A second creation that is refused takes the first one's secret off the page: it read as the new webhook's.
        page.type("wh-url", "javascript:alert(1)");
        driver.findElement(By.cssSelector("#create-webhook button[type=submit]")).click();
        page.until(() -> page.status().endsWith("(url)"), "the refused URL's announcement");
        assertThat(page.all(By.id("new-secret"))).as("no secret beside the refusal").noneMatch(WebElement::isDisplayed);
        WebElement row = page.visible(By.linkText(url)).findElement(By.xpath("./ancestor::tr"));
        assertThat(row.getText()).contains("50/s");
        String hook = row.getAttribute("data-webhook");
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("rate_limit").asDouble()).isEqualTo(50.0);

        openWebhook(hook);
        assertThat(page.visible(By.id("webhook-rate-limit")).getText()).isEqualTo("50/s");
        page.visible(By.xpath("//summary[text()='Edit URL, description, filters, rate limit and order']")).click();
        assertThat(page.visible(By.id("edit-rate-limit")).getAttribute("value")).isEqualTo("50");
        page.type("edit-rate-limit", "fast");
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        assertThat(page.visible(By.id("edit-rate-limit-error")).getText()).isEqualTo(rateError);
        WebElement firstError = driver.findElement(By.id("edit-rate-limit-error"));
        page.type("edit-rate-limit", "20000");
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> ExpectedConditions.stalenessOf(firstError).apply(driver) && page.all(By.id("edit-rate-limit-error")).size() == 1,
                "the out-of-range error, shown once");
        assertThat(page.visible(By.id("edit-rate-limit-error")).getText()).isEqualTo(rateError);
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("rate_limit").asDouble()).as("unchanged").isEqualTo(50.0);
        page.type("edit-rate-limit", "7.5");
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> page.status().equals("Webhook saved."), "the save announcement");
        assertThat(page.visible(By.id("webhook-rate-limit")).getText()).isEqualTo("7.5/s");
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("rate_limit").asDouble()).isEqualTo(7.5);
        page.visible(By.xpath("//summary[text()='Edit URL, description, filters, rate limit and order']")).click();
        page.visible(By.id("edit-rate-limit")).clear();
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> page.visible(By.id("webhook-rate-limit")).getText().equals("none"), "the rate limit cleared");
        assertThat(acme.get("/v1/webhooks/" + hook).json().get("rate_limit").isNull()).isTrue();

        page.visible(By.xpath("//summary[text()='Rotate the signing secret']")).click();
        assertThat(page.visible(By.id("rotate-overlap")).getAttribute("value")).as("the default overlap").isEqualTo("24h");
        driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
        assertThat(page.visible(By.id("rotate-question")).getText()).contains(url, "for 24h");
        assertThat(driver.switchTo().activeElement().getAttribute("id")).as("Cancel has focus").isEqualTo("rotate-cancel");
        driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        page.until(() -> page.status().equals("The secret was not rotated."), "the cancel announcement");
        assertThat(acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(originalSecret);

        page.type("rotate-overlap", "0s");
        driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
        assertThat(page.visible(By.id("rotate-question")).getText()).as("no overlap is said as such, not as 'for 0s'")
                .contains("stops signing at once").doesNotContain("for 0s");
        page.visible(By.id("rotate-cancel")).click();
        assertThat(acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(originalSecret);

        for (String odd : List.of("forever", "31d", "1.5h", "-1h")) {
            page.type("rotate-overlap", odd);
            driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
            assertThat(page.visible(By.id("rotate-overlap-error")).getText()).as(odd).startsWith("Give a duration from 0s to 30d");
            assertThat(page.all(By.id("rotate-overlap-error"))).as("shown once").hasSize(1);
            assertThat(driver.findElement(By.id("rotate-dialog")).getAttribute("open")).as("no confirmation asked for " + odd).isNull();
            assertThat(page.status()).startsWith("Give a duration");
        }
        assertThat(acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(originalSecret);

        page.type("rotate-overlap", "1h");
        driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
        assertThat(page.visible(By.id("rotate-question")).getText()).contains("for 1h");
        assertThat(page.all(By.id("rotate-overlap-error"))).as("the refusal gone with an overlap the API takes").isEmpty();
        page.visible(By.id("rotate-confirm")).click();
        page.until(() -> page.status().equals("Signing secret rotated."), "the rotation announcement");
        String rotated = page.visible(By.id("rotated-secret")).getText();
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(originalSecret);
        assertThat(page.visible(By.cssSelector("#rotated .hint")).getText()).contains("previous secret keeps signing", "1h");
        assertThat(acme.get("/v1/webhooks/" + hook + "/secret").json().get("secret").asText()).isEqualTo(rotated);

        for (int i = 1; i <= 3; i++) {
            assertThat(acme.post("/v1/events", "{\"event_id\":\"su-" + i + "\",\"event_type\":\"signup.completed\",\"entity_id\":\"u-" + i + "\"}")
                    .status()).isEqualTo(202);
        }
        assertThat(acme.post("/v1/events", "{\"event_id\":\"pg-1\",\"event_type\":\"page.viewed\"}").status()).isEqualTo(202);
        page.go("Events");
        page.visible(By.linkText("Event types")).click();
        page.until(() -> page.heading().equals("Event types"), "the event types page");
        WebElement signups = page.visible(By.cssSelector("#event-type-list tr[data-event-type='signup.completed']"));
        assertThat(signups.findElement(By.cssSelector("td.count")).getText()).isEqualTo("3");
        assertThat(page.visible(By.cssSelector("#event-type-list tr[data-event-type='page.viewed'] td.count")).getText()).isEqualTo("1");
        signups.findElement(By.linkText("signup.completed")).click();
        page.until(() -> page.heading().equals("Events"), "the events page");
        assertThat(page.visible(By.id("event-type")).getAttribute("value")).isEqualTo("signup.completed");
        page.until(() -> page.all(By.cssSelector("#event-list tr[data-event]")).size() == 3, "the three signups, and nothing else");
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /**
     * Hostile text from the API: bidi controls are shown escaped, never obeyed (a URL with U+202E "evil" U+202C
     * once read "live"; the API now refuses such URLs, but not descriptions, metric descriptions or entity ids),
     * values in a sentence are isolated, and long unbroken values wrap instead of widening a phone's page.
     */
    @Test
    void bidiControlsAreShownEscapedAndLongValuesFitAPhone() throws Exception {
        String longDescription = "d".repeat(400);
        Path metrics = metricsFile("metrics:\n"
                + "  - name: spoofed\n    description: \"total \\u202Eevil\\u202C count\"\n    type: count\n"
                + "  - name: wide\n    description: " + longDescription + "\n    type: count\n");
        restart(c -> c.withMetricsFile(metrics));
        assertThat(acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/\\u202eevil\\u202c") + "\"}").status()).isEqualTo(422);
        // JSON escapes: U+202E evil U+202C, an emoji.
        String spoof = webhookId(receiver.url("/spoof"), "total \\u202eevil\\u202c \\ud83d\\ude00");
        String slack = webhookId(receiver.url("/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"));
        String huge = webhookId(receiver.url("/" + "a".repeat(1900)));
        // An entity id may not hold them (422); an event's data may, and the console shows them escaped.
        assertThat(acme.post("/v1/events", "{\"event_type\":\"order.created\",\"entity_id\":\"acct\\u202e-7\"}").status()).isEqualTo(422);
        assertThat(acme.post("/v1/events", "{\"event_id\":\"ev-bidi\",\"event_type\":\"order.created\",\"entity_id\":\"acct-7\","
                + "\"data\":{\"note\":\"acct\\u202e-7\"}}").status()).isEqualTo(202);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(375, 800));
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.tile("wide");
        assertThat(text("[data-metric='spoofed'] .tile-description")).isEqualTo("total \\u202Eevil\\u202C count");
        assertFits("the overview with a long metric description");

        page.go("Webhooks");
        page.until(() -> page.all(By.cssSelector("#webhook-list tr[data-webhook]")).size() == 3, "the three webhooks");
        assertThat(text("tr[data-webhook='" + spoof + "']")).contains("total \\u202Eevil\\u202C \ud83d\ude00");
        assertFits("the webhooks list with a 1,900-character URL");

        for (String hook : new String[] {slack, huge}) {
            openWebhook(hook);
            assertFits("the page of webhook " + hook);
        }
        openWebhook(spoof);
        assertThat(text("#view h1 bdi")).as("the URL isolated in the heading").isEqualTo(receiver.url("/spoof"));
        assertFits("the page of the spoofing webhook");

        page.go("Events");
        page.type("entity-id", "acct-7");
        driver.findElement(By.cssSelector("#event-search button[type=submit]")).click();
        page.visible(By.cssSelector("tr[data-event='ev-bidi']")).findElement(By.xpath(".//button[text()='Raw JSON']")).click();
        page.visible(By.cssSelector("#raw-ev-bidi pre"));
        assertThat(text("#raw-ev-bidi pre")).contains("\"note\": \"acct\\u202E-7\"");
        assertThat(text("tr[data-event='ev-bidi']")).contains("acct-7");
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /** A server stopped and started again (with one more metric) while the overview is open: the failure clears, the new tile shows. */
    @Test
    void theOverviewRecoversFromARestartWithTheNewMetrics() throws Exception {
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.tile("events_total");
        int port = server.app().port();
        server.close();
        page.until(() -> page.status().equals("The server could not be reached."), "the unreachable server");
        Path metrics = metricsFile("metrics:\n  - name: late_metric\n    type: count\n");
        server = startServer(c -> c.withPort(port).withMetricsFile(metrics));
        page.until(() -> !page.all(By.cssSelector("[data-metric='late_metric']")).isEmpty(), "the metric added by the restart");
        page.until(() -> page.status().isEmpty(), "the failure message cleared once the server answers");
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /** Addresses the console has no page for, ids that would change the API path, odd keys and a revoked key. */
    @Test
    void unknownAddressesAndBadOrRevokedKeysAreSaidPlainly() {
        page.open();
        page.script("document.getElementById('api-key').value = 'ew_\u00fc\ud83d\ude00'"); // ChromeDriver cannot type an emoji
        driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        page.until(() -> page.status().equals("That key is not valid."), "a key that cannot be sent in a header, refused as a key");

        ApiClient.Response created = server.admin().post("/v1/admin/keys", "{\"tenant\":\"acme\",\"name\":\"soon revoked\"}");
        page.signIn(created.json().get("key").asText());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        for (String address : new String[] {"#/constructor", "#/toString", "#/__proto__", "#/events/%E0%A4%A", "#/webhooks/%2e%2e", "#/webhooks/.",
                "#/nowhere", "#/rejected/extra", "#/events/order/extra", "#/webhooks/wh_0000000000000000000000000Z/extra"}) {
            driver.get(server.baseUrl() + "/console" + address);
            page.until(() -> page.heading().equals("Page not found"), "the not-found page for " + address);
        }
        assertThat((java.util.List<?>) page.script("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
                + ".filter(p => !/^\\/v1\\/(metrics|webhooks)/.test(p) && p.startsWith('/v1'))"))
                .as("no request outside the paths the pages read (such as GET /v1/)").isEmpty();

        driver.get(server.baseUrl() + "/console#/webhooks/wh_0000000000000000000000000Z");
        page.until(() -> page.status().equals("Webhook not found"), "the missing webhook");
        page.go("Events");
        assertThat(page.status()).as("a page's status does not follow to the next page").isEmpty();

        assertThat(server.admin().delete("/v1/admin/keys/" + created.json().get("id").asText()).status()).isEqualTo(204);
        driver.findElement(By.linkText("Webhooks")).click(); // its list is read with the revoked key
        page.until(() -> page.all(By.id("api-key")).stream().anyMatch(WebElement::isDisplayed), "signed out");
        page.until(() -> page.status().equals("The key is no longer valid; sign in again."), "the console's own reason");
        assertThat(page.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /**
     * What the console sends, and what it shows when it cannot: a double click sends one retry, one recover;
     * event ids "." and ".." (valid, but no browser can put them in a path) are said to be so, not "Not found.";
     * Save sends only the fields changed, so a change made over the API meanwhile stays; a test event under
     * way keeps its buttons disabled on every page; a refused search shows no stale list beside its error.
     */
    @Test
    void actionsAreSentOnceAndSaveKeepsWhatOthersChanged() {
        receiver.answer(r -> switch (r.path()) {
            case "/fail" -> Receiver.Answer.status(500);
            case "/slow" -> new Receiver.Answer(200, Map.of(), "", Duration.ofSeconds(4));
            default -> Receiver.Answer.status(200);
        });
        String hook = webhookId(receiver.url("/fail"), "failing");
        String slow = acme.post("/v1/webhooks", "{\"url\":\"" + receiver.url("/slow") + "\",\"filters\":{\"event_types\":[\"nothing\"]}}")
                .json().get("id").asText();
        for (String id : new String[] {"ev-a", ".", ".."}) {
            assertThat(acme.post("/v1/events", "{\"event_id\":\"" + id + "\",\"event_type\":\"order.created\"}").status()).isEqualTo(202);
        }
        Receiver.await(() -> acme.get("/v1/webhooks/" + hook + "/deliveries?status=dead").json().get("deliveries").size() == 3,
                Duration.ofSeconds(20), "three dead deliveries");
        page.open();
        page.signIn(acme.key());
        page.until(() -> page.heading().equals("Overview"), "the overview after signing in");
        page.until(() -> driver.findElement(By.id("overview-updated")).getText().startsWith("Updated"), "the first refresh");
        assertThat(page.all(By.cssSelector(".chart-peak")).stream().map(WebElement::getText).toList()).as("an idle page's peaks")
                .allMatch(t -> t.equals("no samples yet") || t.matches("peak 0 \\S+/s"));

        openWebhook(hook);
        page.script("performance.setResourceTimingBufferSize(100000)"); // requestsTo counts every request from here on
        WebElement dead = awaitDelivery("ev-a", "dead");
        assertThat(page.script("const td = document.querySelector(\"tr[data-delivery='ev-a'] td:nth-child(3)\");"
                + "const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length")).as("'dead' on one line").isEqualTo(1L);
        assertThat(page.script("return document.querySelector(\"tr[data-delivery='ev-a'] time\").getClientRects().length"))
                .as("a time on one line").isEqualTo(1L);
        new org.openqa.selenium.interactions.Actions(driver).doubleClick(dead.findElement(By.xpath(".//button[text()='Retry']"))).perform();
        page.until(() -> page.status().equals("Delivery of ev-a queued for a retry."), "the retry announced");
        awaitDelivery("..", "dead");
        assertThat(requestsTo("/deliveries/ev-a/retry")).as("one retry for a double click").isEqualTo(1L);

        String browserPath = "A browser cannot ask the API about the event id \"..\": it resolves \".\" and \"..\" in a path, even percent-encoded. "
                + "Use another HTTP client with the id written %2E%2E in the path.";
        page.visible(By.cssSelector("tr[data-delivery='..']")).findElement(By.xpath(".//button[text()='Retry']")).click();
        page.until(() -> page.status().equals(browserPath), "why '..' cannot be retried here");
        page.visible(By.cssSelector("tr[data-delivery='.']")).findElement(By.xpath(".//button[text()='Attempts']")).click();
        page.until(() -> page.status().startsWith("A browser cannot ask the API about the event id \".\""), "why '.' cannot be opened here");
        assertThat(acme.get("/v1/webhooks/" + hook + "/deliveries/%2E%2E").json().get("status").asText()).as("the API itself serves it").isEqualTo("dead");

        new org.openqa.selenium.interactions.Actions(driver).doubleClick(page.visible(By.cssSelector("#recover button[type=submit]"))).perform();
        page.until(() -> page.status().matches("[1-9]\\d* dead deliver(y|ies) queued again\\."), "the recover's count");
        assertThat(requestsTo("/recover")).as("one recover for a double click").isEqualTo(1L);

        // Save sends what changed in the form only: a rate limit set over the API meanwhile is kept.
        assertThat(acme.patch("/v1/webhooks/" + hook, "{\"rate_limit\":0.0015}").status()).isEqualTo(200);
        page.visible(By.xpath("//summary[text()='Edit URL, description, filters, rate limit and order']")).click();
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> page.status().equals("Nothing to save: no field was changed."), "nothing changed");
        page.type("edit-description", "renamed in the console");
        driver.findElement(By.cssSelector("#edit-webhook button[type=submit]")).click();
        page.until(() -> page.visible(By.id("webhook-description")).getText().equals("renamed in the console"), "the new description");
        JsonNode saved = acme.get("/v1/webhooks/" + hook).json();
        assertThat(saved.get("rate_limit").decimalValue()).as("the API's change kept").isEqualByComparingTo("0.0015");
        assertThat(page.visible(By.id("webhook-rate-limit")).getText()).as("shown as held, not rounded").isEqualTo("0.0015/s");

        // Escape in the rotation dialog is said as Cancel is, over the refusal said before it.
        page.visible(By.xpath("//summary[text()='Rotate the signing secret']")).click();
        page.type("rotate-overlap", "forever");
        driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
        page.until(() -> page.status().startsWith("Give a duration"), "the refused overlap");
        page.type("rotate-overlap", "24h");
        driver.findElement(By.cssSelector("#rotate-secret button[type=submit]")).click();
        page.visible(By.id("rotate-question"));
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        page.until(() -> page.status().equals("The secret was not rotated."), "Escape said as Cancel");

        // A test event under way to a slow receiver: its buttons stay disabled on the pages opened meanwhile.
        openWebhook(slow);
        page.visible(By.xpath("//button[text()='Send test event']")).click();
        page.go("Webhooks");
        WebElement listTest = page.visible(By.cssSelector("tr[data-webhook='" + slow + "']")).findElement(By.xpath(".//button[text()='Send test']"));
        assertThat(listTest.isEnabled()).as("the list's Send test while the test is under way").isFalse();
        listTest.click();
        openWebhook(slow);
        page.until(() -> page.visible(By.xpath("//button[text()='Send test event']")).isEnabled(), "the test event's end");
        assertThat(receiver.received().stream().filter(r -> r.path().equals("/slow")).map(r -> r.header("webhook-id")).distinct().count())
                .as("one test event").isEqualTo(1L);

        // A search the API refuses shows its error and no list beside it.
        page.go("Events");
        page.until(() -> !page.all(By.cssSelector("#event-list[aria-busy='false'] tr[data-event]")).isEmpty(), "the events");
        page.type("event-type", "Order!");
        driver.findElement(By.cssSelector("#event-search button[type=submit]")).click();
        page.until(() -> page.status().contains("event_type"), "the API's refusal");
        assertThat(text("#event-list")).as("no stale list beside the error").isEmpty();
        assertThat(HeadlessChromium.consoleErrors(driver)).as("no script errors or CSP violations")
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Uncaught"));
    }

    /** Requests the page made whose path ends with {@code suffix} (fetches appear in the page's resource timing). */
    private long requestsTo(String suffix) {
        return (Long) page.script("return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.endsWith(arguments[0])).length"
                .replace("arguments[0]", "'" + suffix + "'"));
    }

    private String webhookId(String url) {
        return webhookId(url, "w".repeat(1000));
    }

    /** {@code description} as it goes into the JSON body (escapes allowed). */
    private String webhookId(String url, String description) {
        ApiClient.Response created = acme.post("/v1/webhooks", "{\"url\":\"" + url + "\",\"description\":\"" + description + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private String text(String css) {
        return (String) page.script("return document.querySelector(\"" + css + "\").textContent");
    }

    private void assertFits(String what) {
        assertThat(page.script("return document.documentElement.scrollWidth <= window.innerWidth")).as(what + " fits a 375 px window, scrollWidth "
                + page.script("return document.documentElement.scrollWidth")).isEqualTo(true);
    }

    private String createWebhook(String url) {
        WebElement summary = page.visible(By.xpath("//summary[text()='Create a webhook']"));
        if (summary.findElement(By.xpath("..")).getAttribute("open") == null) summary.click();
        page.type("wh-url", url);
        page.type("wh-event-types", "order");
        page.type("wh-description", "console test");
        page.visible(By.cssSelector("#create-webhook button[type=submit]")).click();
        page.until(() -> page.status().equals("Webhook created: " + url), "the creation announcement");
        assertThat(page.visible(By.id("new-secret")).getText()).startsWith("whsec_");
        WebElement link = page.visible(By.linkText(url));
        WebElement row = link.findElement(By.xpath("./ancestor::tr"));
        assertThat(row.getText()).contains("types order", "active");
        return row.getAttribute("data-webhook");
    }

    private void openWebhook(String id) {
        driver.get(server.baseUrl() + "/console#/webhooks/" + id);
        page.until(() -> page.heading().startsWith("Webhook http"), "the webhook's page");
    }

    /** Clicks Refresh until the delivery shows with that status, as a person waiting for it would. */
    private WebElement awaitDelivery(String eventId, String status) {
        By row = By.cssSelector("#delivery-list[aria-busy='false'] tr[data-delivery='" + eventId + "'][data-status='" + status + "']");
        page.until(() -> {
            if ("true".equals(page.visible(By.id("delivery-list")).getAttribute("aria-busy"))) return false;
            if (!page.all(row).isEmpty()) return true;
            page.visible(By.id("refresh-deliveries")).click();
            return false;
        }, "delivery " + eventId + " to be " + status);
        return page.visible(row);
    }

    private String attemptCells(String eventId, String css) {
        return String.join(" ", page.all(By.cssSelector("#attempts-" + eventId + " " + css)).stream().map(WebElement::getText).toList());
    }
}
