package dev.eventwire;

/**
 * What one tenant may ask of the service, so that no tenant can hurt another:
 * <ul>
 *   <li>{@code maxWebhooksPerTenant}: webhooks a tenant may have (active or disabled); more answers 409;</li>
 *   <li>{@code maxDeliveriesPerRequest}: deliveries one ingest request may create (events × matching
 *       webhooks); more answers 413 and nothing is stored;</li>
 *   <li>{@code tenantIngestBudgetBytes}: body bytes of one tenant's ingest requests in progress at once;
 *       more answers 429 with {@code Retry-After};</li>
 *   <li>{@code bodyBudgetBytes}: request bodies being read and parsed at once, all tenants together;
 *       a request that does not fit within 30 s answers 503 with {@code Retry-After};</li>
 *   <li>{@code tenantBodyBytesPerSecond}: body bytes one tenant may send per second, on average (0 = no
 *       limit); more answers 429 with the seconds until it fits in {@code Retry-After};</li>
 *   <li>{@code maxDistinctValuesInMemory}: distinct values one tenant's distinct-count metric keeps in memory
 *       (31 days of them); a metric with more is read from the store, exact and slower, instead of growing
 *       every tenant's heap.</li>
 * </ul>
 */
public record Limits(int maxWebhooksPerTenant, int maxDeliveriesPerRequest, long tenantIngestBudgetBytes, long bodyBudgetBytes,
                     long tenantBodyBytesPerSecond, int maxDistinctValuesInMemory) {

    public static Limits defaults() {
        return new Limits(100, 10_000, 16L << 20, 64L << 20, 0, 250_000);
    }

    public Limits {
        if (maxWebhooksPerTenant < 1 || maxDeliveriesPerRequest < 1 || tenantIngestBudgetBytes < (5L << 20) || bodyBudgetBytes < (5L << 20)
                || tenantBodyBytesPerSecond < 0 || maxDistinctValuesInMemory < 1) {
            throw new IllegalArgumentException("limits must be positive, and the byte budgets at least 5 MiB (one largest request)");
        }
    }

    public Limits withMaxWebhooksPerTenant(int max) {
        return new Limits(max, maxDeliveriesPerRequest, tenantIngestBudgetBytes, bodyBudgetBytes, tenantBodyBytesPerSecond, maxDistinctValuesInMemory);
    }

    public Limits withMaxDeliveriesPerRequest(int max) {
        return new Limits(maxWebhooksPerTenant, max, tenantIngestBudgetBytes, bodyBudgetBytes, tenantBodyBytesPerSecond, maxDistinctValuesInMemory);
    }

    public Limits withTenantIngestBudgetBytes(long max) {
        return new Limits(maxWebhooksPerTenant, maxDeliveriesPerRequest, max, bodyBudgetBytes, tenantBodyBytesPerSecond, maxDistinctValuesInMemory);
    }

    public Limits withTenantBodyBytesPerSecond(long bytesPerSecond) {
        return new Limits(maxWebhooksPerTenant, maxDeliveriesPerRequest, tenantIngestBudgetBytes, bodyBudgetBytes, bytesPerSecond, maxDistinctValuesInMemory);
    }

    public Limits withMaxDistinctValuesInMemory(int max) {
        return new Limits(maxWebhooksPerTenant, maxDeliveriesPerRequest, tenantIngestBudgetBytes, bodyBudgetBytes, tenantBodyBytesPerSecond, max);
    }

    public Limits withBodyBudgetBytes(long max) {
        return new Limits(maxWebhooksPerTenant, maxDeliveriesPerRequest, tenantIngestBudgetBytes, max, tenantBodyBytesPerSecond, maxDistinctValuesInMemory);
    }
}
