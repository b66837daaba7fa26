package dev.eventwire.observability;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} or a sample of a family declared before it; anything else fails.
 */
final class PrometheusText {
    /** One sample: metric name and labels (sorted). */
    record Series(String name, Map<String, String> labels) {
        static Series of(String name, String... keyValues) {
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < keyValues.length; i += 2) labels.put(keyValues[i], keyValues[i + 1]);
            return new Series(name, labels);
        }
    }

    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("", "_total", "_bucket", "_count", "_sum", "_created");

    private final Map<Series, Double> samples;
    private final Map<String, String> types;

    private PrometheusText(Map<Series, Double> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    static PrometheusText parse(String text) {
        Map<Series, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                if (number == text.split("\n", -1).length) continue; // the final newline
                throw new IllegalArgumentException("line " + number + ": empty line");
            }
            if (line.startsWith("# HELP ")) continue;
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !TYPES.contains(parts[1])) throw new IllegalArgumentException("line " + number + ": bad TYPE: " + line);
                if (types.put(parts[0], parts[1]) != null) throw new IllegalArgumentException("line " + number + ": family declared twice: " + line);
                continue;
            }
            if (line.startsWith("#")) throw new IllegalArgumentException("line " + number + ": unknown comment: " + line);
            Sample s = sample(line, number);
            if (family(s.series.name(), types) == null) throw new IllegalArgumentException("line " + number + ": sample of an undeclared family: " + line);
            if (samples.put(s.series, s.value) != null) throw new IllegalArgumentException("line " + number + ": repeated series: " + line);
        }
        return new PrometheusText(samples, types);
    }

    private static String family(String name, Map<String, String> types) {
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    private record Sample(Series series, double value) {
    }

    private static Sample sample(String line, int number) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) i++;
        String name = line.substring(0, i);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) throw new IllegalArgumentException("line " + number + ": bad metric name: " + line);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*")) throw new IllegalArgumentException("line " + number + ": bad label name: " + line);
                if (line.charAt(eq + 1) != '"') throw new IllegalArgumentException("line " + number + ": unquoted label value: " + line);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(key, value.toString()) != null) throw new IllegalArgumentException("line " + number + ": repeated label: " + line);
                i = j + 1;
                if (line.charAt(i) == ',') i++;
                else if (line.charAt(i) != '}') throw new IllegalArgumentException("line " + number + ": bad label list: " + line);
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw new IllegalArgumentException("line " + number + ": no value: " + line);
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) throw new IllegalArgumentException("line " + number + ": trailing text: " + line);
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        if (rest.length == 2) Long.parseLong(rest[1]);
        return new Sample(new Series(name, labels), value);
    }

    /** The value of one series; fails when it is not there. */
    double value(String name, String... labels) {
        Series series = Series.of(name, labels);
        Double v = samples.get(series);
        if (v == null) throw new AssertionError("no series " + series + " in the scrape");
        return v;
    }

    boolean has(String name) {
        return samples.keySet().stream().anyMatch(s -> s.name().equals(name));
    }

    String type(String family) {
        return types.get(family);
    }

    Set<Series> series() {
        return samples.keySet();
    }
}
