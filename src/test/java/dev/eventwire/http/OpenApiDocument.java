package dev.eventwire.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The shipped src/main/resources/openapi.json, read for tests: its operations and its response schemas. */
final class OpenApiDocument {
    static final String RESOURCE = "/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options", "trace");

    private final String text;
    private final JsonNode root;
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.root = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return text;
    }

    /** Every operation as "METHOD /path", such as "GET /v1/webhooks/{id}". */
    Set<String> operations() {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> paths = root.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> methods = root.get("paths").get(path).fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (METHODS.contains(method)) out.add(method.toUpperCase() + " " + path);
            }
        }
        return out;
    }

    /** The response object documented for an operation and status (its $ref followed); fails when there is none. */
    JsonNode response(String operation, int status) {
        return root.at(responseObjectPointer(operation, status));
    }

    /** Validates a JSON body against the schema documented for that operation and status (formats asserted too). */
    List<String> violations(String operation, int status, String body) {
        return validate(responseObjectPointer(operation, status) + "/content/application~1json/schema", body);
    }

    /** Validates a request body against the operation's documented request schema. */
    List<String> requestViolations(String operation, String body) {
        String[] parts = operation.split(" ", 2);
        return validate("/paths/" + pointerToken(parts[1]) + "/" + parts[0].toLowerCase() + "/requestBody/content/application~1json/schema", body);
    }

    private List<String> validate(String pointer, String body) {
        if (root.at(pointer).isMissingNode()) throw new AssertionError("the document has no schema at " + pointer);
        // Braces of path templates are not allowed in a URI fragment as they are.
        Schema schema = schemas.getSchema(SchemaLocation.of("classpath:openapi.json#" + pointer.replace("{", "%7B").replace("}", "%7D")));
        List<Error> errors = schema.validate(body, InputFormat.JSON, (context, schemaContext) -> context.executionConfig(c -> c.formatAssertionsEnabled(true)));
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    private String responseObjectPointer(String operation, int status) {
        String[] parts = operation.split(" ", 2);
        String pointer = "/paths/" + pointerToken(parts[1]) + "/" + parts[0].toLowerCase() + "/responses/" + status;
        JsonNode response = root.at(pointer);
        if (response.isMissingNode()) throw new AssertionError(operation + " documents no " + status + " response");
        return response.has("$ref") ? response.get("$ref").asText().substring(1) : pointer;
    }

    private static String pointerToken(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
