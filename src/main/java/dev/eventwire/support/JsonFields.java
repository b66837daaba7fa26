package dev.eventwire.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Shape checks shared by the JSON request bodies of the management API. */
public final class JsonFields {
    private JsonFields() {
    }

    /** The body must be an object with no fields outside {@code allowed}. */
    public static void requireObject(JsonNode body, Set<String> allowed) {
        if (!body.isObject()) throw ApiException.invalid("invalid_type", "The request body must be a JSON object.", null);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                String shown = Echo.of(name);
                throw ApiException.invalid("unknown_field", "Unknown field '" + shown + "'.", shown);
            }
        }
    }

    /** A string field, or null when absent or null; a non-string value is a 422. */
    public static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw ApiException.invalid("invalid_type", field + " must be a string.", field);
        return node.textValue();
    }
}
