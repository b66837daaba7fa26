package dev.eventwire.metrics;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a {@code --metrics-file}'s {@code metrics:} list, each with the line it starts on, so a
 * message about a metric can point at it. Errors name the file and say what is wrong in words an operator
 * can act on; the YAML library's own messages name its classes and events and are not passed on.
 */
final class MetricsFile {
    /** A key given twice in one mapping is refused: the last one would otherwise win without a word. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    /** One item of the list and the line (1-based) it starts on. */
    record Entry(JsonNode node, int line) {
    }

    private MetricsFile() {
    }

    static List<Entry> read(Path file) {
        String text = text(file);
        try (JsonParser parser = YAML.createParser(text)) {
            return entries(parser, file);
        } catch (JsonProcessingException e) {
            throw new MetricDefinitionException("metrics file " + file + " is not valid YAML: " + YamlProblem.of(e));
        } catch (IOException e) {
            throw new MetricDefinitionException("metrics file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The file holds one mapping with one key, {@code metrics}. Anything beside it is refused, as an unknown
     * field of a metric is: a second YAML document ({@code ---}) or another top-level key was skipped before,
     * and the metrics it held were missing from the server without a word.
     */
    private static List<Entry> entries(JsonParser parser, Path file) throws IOException {
        List<Entry> entries = null;
        if (parser.nextToken() == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = parser.currentTokenLocation().getLineNr();
                JsonToken value = parser.nextToken();
                if (!key.equals("metrics")) {
                    throw new MetricDefinitionException("metrics file " + file + ", line " + keyLine + ": unknown top-level key '" + key
                            + "' (the file holds only a top-level 'metrics:' list)");
                }
                if (value != JsonToken.START_ARRAY) break;
                entries = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    int line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = parser.readValueAsTree();
                    entries.add(new Entry(node == null ? NullNode.getInstance() : node, line));
                }
            }
        }
        if (entries == null) throw new MetricDefinitionException("metrics file " + file + ": expected a top-level 'metrics:' list");
        if (parser.nextToken() != null) {
            throw new MetricDefinitionException("metrics file " + file + ", line " + parser.currentTokenLocation().getLineNr()
                    + ": a second YAML document; put every metric in the one 'metrics:' list");
        }
        return entries;
    }

    /** The file as UTF-8 text; a byte sequence that is not UTF-8 is refused with its line rather than read as something else. */
    private static String text(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new MetricDefinitionException("metrics file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new MetricDefinitionException("metrics file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new MetricDefinitionException("metrics file " + file + " cannot be read: " + e.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(in).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            // The decoder stops at the first byte it cannot read.
            int line = 1;
            for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
            throw new MetricDefinitionException("metrics file " + file + ", line " + line + ": not UTF-8 text (save the file as UTF-8)");
        }
    }
}
