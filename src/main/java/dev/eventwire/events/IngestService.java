package dev.eventwire.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.events.IngestResult.ItemResult;
import dev.eventwire.events.IngestResult.ItemStatus;
import dev.eventwire.support.ApiException;
import dev.eventwire.support.Awaits;
import dev.eventwire.support.Echo;
import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Takes in one request body (a single event or a batch), validates each event, and appends the valid
 * ones together with the rejected ones in one durable unit of work. Answers only once that unit is
 * durable.
 */
public final class IngestService {
    public static final int MAX_BATCH = 1000;

    private final EventStore store;
    private final EventValidator validator;
    private final Json json;
    private final Clock clock;
    private final EventCheck check;

    private final FanOut fanOut;
    private final int maxDeliveriesPerRequest;

    public IngestService(EventStore store, EventValidator validator, EventCheck check, FanOut fanOut, int maxDeliveriesPerRequest, Json json,
                         Clock clock) {
        this.store = store;
        this.fanOut = fanOut;
        this.maxDeliveriesPerRequest = maxDeliveriesPerRequest;
        this.validator = validator;
        this.check = check;
        this.json = json;
        this.clock = clock;
    }

    /** The validator's verdict, then the other parts' rules (metric field ranges). */
    private Validation validate(String tenant, JsonNode node, Instant receivedAt) {
        Validation v = validator.validate(tenant, node, receivedAt);
        if (v instanceof Validation.Valid valid) {
            Optional<ErrorDetail> error = check.check(valid.event());
            if (error.isPresent()) return new Validation.Invalid(error.get(), valid.event().eventId());
        }
        return v;
    }

    public IngestResult ingest(String tenant, byte[] rawBody) {
        Instant receivedAt = clock.instant();
        JsonNode root;
        try {
            root = json.parse(rawBody);
        } catch (ApiException e) {
            recordRejected(tenant, receivedAt, e.detail(), new String(rawBody, StandardCharsets.UTF_8));
            throw e;
        }
        if (root.isObject() && root.has("events")) {
            return ingestBatch(tenant, root, receivedAt);
        }
        return ingestSingle(tenant, root, receivedAt);
    }

    private IngestResult ingestSingle(String tenant, JsonNode node, Instant receivedAt) {
        Validation validation = validate(tenant, node, receivedAt);
        if (validation instanceof Validation.Invalid invalid) {
            recordRejected(tenant, receivedAt, invalid.error(), json.writeAsReceived(node));
            ErrorDetail e = invalid.error();
            throw new ApiException(422, e.code(), e.message(), e.field());
        }
        NewEvent event = ((Validation.Valid) validation).event();
        checkFanOut(tenant, receivedAt, node, List.of(event));
        AppendOutcome outcome = await(store.append(List.of(event), List.of())).getFirst();
        return new IngestResult.Single(event.eventId(), outcome == AppendOutcome.ACCEPTED ? ItemStatus.ACCEPTED : ItemStatus.DUPLICATE);
    }

    private IngestResult ingestBatch(String tenant, JsonNode root, Instant receivedAt) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("events")) {
                String shown = Echo.of(name);
                throw rejectRequest(tenant, receivedAt, root,
                        ApiException.invalid("unknown_field", "Unknown field '" + shown + "' in a batch; only 'events' is allowed.", shown));
            }
        }
        JsonNode items = root.get("events");
        if (!items.isArray()) {
            throw rejectRequest(tenant, receivedAt, root, ApiException.invalid("invalid_type", "events must be an array of event objects.", "events"));
        }
        if (items.isEmpty()) {
            throw rejectRequest(tenant, receivedAt, root, ApiException.invalid("invalid_length", "events must hold 1 to 1000 events.", "events"));
        }
        if (items.size() > MAX_BATCH) {
            throw rejectRequest(tenant, receivedAt, root,
                    new ApiException(413, "too_many_events", "A batch holds at most 1000 events; this one has " + items.size() + ".", "events"));
        }

        List<NewEvent> valid = new ArrayList<>(items.size());
        List<Integer> validIndexes = new ArrayList<>(items.size());
        List<RejectedEvent> rejected = new ArrayList<>();
        ItemResult[] results = new ItemResult[items.size()];
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            switch (validate(tenant, item, receivedAt)) {
                case Validation.Valid v -> {
                    valid.add(v.event());
                    validIndexes.add(i);
                }
                case Validation.Invalid inv -> {
                    ErrorDetail error = inv.error();
                    rejected.add(new RejectedEvent(tenant, receivedAt, error, json.writeAsReceived(item)));
                    results[i] = new ItemResult(i, inv.eventId(), ItemStatus.REJECTED, error);
                }
            }
        }
        checkFanOut(tenant, receivedAt, root, valid);
        List<AppendOutcome> outcomes = await(store.append(valid, rejected));
        int accepted = 0;
        int duplicates = 0;
        for (int k = 0; k < valid.size(); k++) {
            int index = validIndexes.get(k);
            boolean isNew = outcomes.get(k) == AppendOutcome.ACCEPTED;
            if (isNew) accepted++;
            else duplicates++;
            results[index] = new ItemResult(index, valid.get(k).eventId(), isNew ? ItemStatus.ACCEPTED : ItemStatus.DUPLICATE, null);
        }
        return new IngestResult.Batch(accepted, duplicates, rejected.size(), List.of(results));
    }

    /**
     * One request may create at most so many deliveries (events × matching webhooks), so no single request
     * can hold the shared write path for long; the whole request is refused before anything is stored.
     */
    private void checkFanOut(String tenant, Instant receivedAt, JsonNode body, List<NewEvent> events) {
        long deliveries = 0;
        for (NewEvent e : events) deliveries += fanOut.webhooksFor(e).size();
        if (deliveries > maxDeliveriesPerRequest) {
            throw rejectRequest(tenant, receivedAt, body, new ApiException(413, "too_many_deliveries", "This request would create " + deliveries
                    + " webhook deliveries; one request may create at most " + maxDeliveriesPerRequest + ". Send fewer events per request.", null));
        }
    }

    private ApiException rejectRequest(String tenant, Instant receivedAt, JsonNode body, ApiException error) {
        recordRejected(tenant, receivedAt, error.detail(), json.writeAsReceived(body));
        return error;
    }

    private void recordRejected(String tenant, Instant receivedAt, ErrorDetail error, String body) {
        await(store.append(List.of(), List.of(new RejectedEvent(tenant, receivedAt, error, body))));
    }

    private static <T> T await(CompletableFuture<T> future) {
        return Awaits.await(future);
    }
}
