package dev.eventwire.metrics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Where a YAML file stops being readable and why, in a line for an operator. The parser's own messages
 * quote its internal events and class names ({@code <org.yaml.snakeyaml.events.MappingStartEvent(…)>}),
 * so only the syntax error's own problem text and its position are kept.
 */
final class YamlProblem {
    private static final java.util.regex.Pattern NOT_A_FINITE_NUMBER = java.util.regex.Pattern.compile("^Malformed numeric value '([-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN))'");

    private YamlProblem() {
    }

    static String of(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException syntax && syntax.getProblemMark() != null) {
            Mark mark = syntax.getProblemMark();
            return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": " + syntax.getProblem();
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        if (e instanceof StreamConstraintsException) return where + "a value is too long or nested too deeply";
        // Jackson reads YAML as JSON-like data: a key that is itself a mapping or list has no field name.
        if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
            return where + String.valueOf(e.getOriginalMessage()).replaceAll("^Duplicate field '(.*)'.*$", "the key '$1' appears twice in one mapping");
        }
        if (String.valueOf(e.getOriginalMessage()).startsWith("Expected a field name")) return where + "a key must be a plain name, not a mapping or list";
        // YAML reads an unquoted .inf, -.Inf or .nan as a number no field here can hold.
        java.util.regex.Matcher special = NOT_A_FINITE_NUMBER.matcher(String.valueOf(e.getOriginalMessage()));
        if (special.find()) return where + "YAML reads " + special.group(1) + " as a number that is not finite; write it in quotes if it is text";
        return where + "not data this file can hold (a mapping with a 'metrics:' list)";
    }
}
