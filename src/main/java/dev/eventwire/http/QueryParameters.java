package dev.eventwire.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Echo;
import dev.eventwire.support.TextRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters each route takes, read from the OpenAPI document the server ships, and the check
 * that refuses any other. A mistyped filter ({@code event_typ=order.created}) used to be ignored, and
 * the list came back unfiltered, which looks like an answer; now it is 400 {@code unknown_parameter}
 * naming the parameter and what the route takes. The document is the one list: a route that reads a
 * parameter it does not document refuses it, so the two cannot drift apart unnoticed.
 */
final class QueryParameters {
    private final Map<String, Set<String>> byOperation;

    private QueryParameters(Map<String, Set<String>> byOperation) {
        this.byOperation = byOperation;
    }

    /** The parameters of the document shipped in the jar and served at {@code GET /openapi.json}. */
    static QueryParameters shipped() {
        return fromOpenApi(OpsRoutes.resource(OpsRoutes.OPENAPI_RESOURCE));
    }

    /** Reads the parameters of every operation of an OpenAPI 3 document ({@code $ref}s to components followed). */
    static QueryParameters fromOpenApi(byte[] document) {
        try {
            JsonNode root = new ObjectMapper().readTree(document);
            JsonNode components = root.path("components").path("parameters");
            Map<String, Set<String>> out = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                Set<String> shared = names(path.getValue().path("parameters"), components);
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (op.getKey().equals("parameters")) continue;
                    Set<String> names = new LinkedHashSet<>(shared);
                    names.addAll(names(op.getValue().path("parameters"), components));
                    out.put(key(op.getKey(), path.getKey()), Collections.unmodifiableSet(names));
                }
            }
            return new QueryParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document cannot be read", e);
        }
    }

    private static Set<String> names(JsonNode parameters, JsonNode components) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode p : parameters) {
            JsonNode resolved = p.has("$ref") ? components.path(p.get("$ref").asText().replaceFirst("^.*/", "")) : p;
            if (resolved.path("in").asText().equals("query")) out.add(resolved.path("name").asText());
        }
        return out;
    }

    private static String key(String method, String pathTemplate) {
        return method.toUpperCase(java.util.Locale.ROOT) + " " + pathTemplate;
    }

    /** What the operation takes, in the document's order; empty when the document does not describe it (such a route is not checked). */
    Optional<Set<String>> of(String method, String pathTemplate) {
        String m = method.equalsIgnoreCase("HEAD") ? "GET" : method;
        return Optional.ofNullable(byOperation.get(key(m, pathTemplate)));
    }

    /**
     * The parameters as given, without the empty segments of a query such as {@code ?limit=5&} or
     * {@code ?&limit=5}: a stray {@code &} is how query strings are often built, and names nothing.
     */
    static Map<String, List<String>> named(Map<String, List<String>> given) {
        if (!given.containsKey("") || !given.get("").stream().allMatch(String::isEmpty)) return given;
        Map<String, List<String>> named = new HashMap<>(given);
        named.remove("");
        return named;
    }

    /**
     * Throws 422 {@code invalid_value} for a parameter given with no value ({@code status=}): it used to
     * count as absent, so a client that filled in an empty variable got the whole unfiltered list. And for
     * one holding a control character ({@code %00}): no stored identifier, type or time has one, and
     * PostgreSQL refuses a NUL outright, which came back as a 503 that told the client to retry forever.
     */
    static void requireValues(Map<String, List<String>> given) {
        for (Map.Entry<String, List<String>> p : given.entrySet()) {
            String shown = Echo.of(p.getKey());
            if (p.getValue().stream().allMatch(String::isEmpty)) {
                throw ApiException.invalid("invalid_value", shown + " has no value: give it one, or leave it out.", shown);
            }
            if (!p.getValue().stream().allMatch(TextRules::isPlainLine)) {
                throw ApiException.invalid("invalid_value", shown + " must be valid Unicode without control characters.", shown);
            }
            if (p.getValue().stream().allMatch(String::isBlank)) {
                throw ApiException.invalid("invalid_value", shown + " is only spaces: give it a value, or leave it out.", shown);
            }
        }
    }

    /** Throws 400 {@code unknown_parameter} for the first query parameter the operation does not take. */
    void requireKnown(String method, String pathTemplate, Set<String> given) {
        Optional<Set<String>> allowed = of(method, pathTemplate);
        if (allowed.isEmpty() || allowed.get().containsAll(given)) return; // every request passes here: no copy unless refused
        for (String name : new TreeSet<>(given)) {
            if (allowed.get().contains(name)) continue;
            String shown = Echo.of(name);
            String takes = allowed.get().isEmpty() ? "this route takes no query parameters."
                    : "this route takes: " + String.join(", ", allowed.get()) + ".";
            throw new ApiException(400, "unknown_parameter", "Unknown query parameter '" + shown + "'; " + takes, shown);
        }
    }
}
