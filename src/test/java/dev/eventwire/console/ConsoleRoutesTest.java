package dev.eventwire.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.support.ApiClient;
import dev.eventwire.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The console's files over plain HTTP: headers, types, nothing from outside, nothing outside its folder. */
class ConsoleRoutesTest {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Pattern IMPORT = Pattern.compile("(?m)^import [^;]*? from '([^']+)';");

    @TempDir
    Path dir;
    TestServer server;
    ApiClient browser;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        browser = server.anonymous();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void thePageComesWithAStrictPolicyAndNoInlineScriptOrStyle() {
        ApiClient.Response page = browser.get("/console");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(browser.get("/console/").body()).isEqualTo(page.body());

        String html = page.body();
        assertThat(html).doesNotContain("<style", "style=").doesNotContainPattern("\\son[a-z]+=")
                .doesNotContainPattern("<script(?![^>]*\\ssrc=\"/console/)");
        assertThat(Pattern.compile("(?:src|href)=\"([^\"#]+)\"").matcher(html).results().map(m -> m.group(1)))
                .as("every file the page loads is the console's own").allMatch(url -> url.startsWith("/console/"))
                .contains("/console/console.css", "/console/js/app.js");
        assertThat(browser.get("/console/console.css").header("Content-Type")).startsWith("text/css");
        assertThat(browser.get("/console/icon.svg").header("Content-Type")).isEqualTo("image/svg+xml");
    }

    /**
     * A form without a method is a GET: had the script not loaded, signing in would have put the key in the URL
     * (history, logs). Its input has no name either, so a submission without the script sends nothing at all
     * (it posted the key to /console), and the page says the console needs JavaScript.
     */
    @Test
    void theSignInFormPostsSoTheKeyNeverGoesIntoTheUrl() {
        String html = browser.get("/console").body();
        assertThat(Pattern.compile("<form\\b[^>]*>").matcher(html).results().map(m -> m.group()))
                .isNotEmpty().allMatch(form -> form.contains(" method=\"post\""));
        assertThat(Pattern.compile("<(?:input|textarea|select)\\b[^>]*>").matcher(html).results().map(m -> m.group()))
                .isNotEmpty().noneMatch(input -> input.contains(" name="));
        assertThat(html).containsPattern("<noscript>[^<]*<p[^>]*>The console runs in the browser and needs JavaScript");
    }

    @Test
    void everyModuleImportsOnlyConsoleModulesThatAreServed() {
        Deque<String> toVisit = new ArrayDeque<>(Set.of("/console/js/app.js"));
        Set<String> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            String module = toVisit.pop();
            if (!seen.add(module)) continue;
            ApiClient.Response r = browser.get(module);
            assertThat(r.status()).as(module).isEqualTo(200);
            assertThat(r.header("Content-Type")).as(module).startsWith("text/javascript");
            assertThat(r.header("Content-Security-Policy")).isEqualTo(CSP);
            assertThat(r.body()).as(module + " loads nothing from elsewhere").doesNotContain("import(", "http://cdn", "https://cdn", "eval(", "innerHTML");
            Matcher m = IMPORT.matcher(r.body());
            while (m.find()) {
                assertThat(m.group(1)).as("import in " + module).startsWith(".");
                toVisit.push(Path.of(module).resolveSibling(m.group(1)).normalize().toString());
            }
        }
        assertThat(seen).as("the modules reached from app.js").hasSizeGreaterThan(10)
                .contains("/console/js/views/overview.js", "/console/js/views/deliveries.js", "/console/js/views/event-types.js",
                        "/console/js/secret-rotation.js", "/console/js/rate-limit.js", "/console/js/field-errors.js");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/missing.js", "/console/js/../../db/duckdb/V1__core.sql", "/console/%2e%2e/simplelogger.properties",
            "/console/JS/APP.JS", "/console/js/app.js.map"})
    void anythingElseUnderConsoleIsNotFound(String path) {
        ApiClient.Response r = browser.get(path);
        assertThat(r.status()).as(path).isEqualTo(404);
        assertThat(r.body()).doesNotContain("CREATE TABLE", "org.slf4j");
    }
}
