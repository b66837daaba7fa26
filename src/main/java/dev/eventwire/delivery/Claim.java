package dev.eventwire.delivery;

import java.util.List;
import java.util.Set;

/** What one claim took from the store, and which webhooks still have due work it left there. */
public record Claim(List<DeliveryJob> jobs, Set<String> moreDue) {
    public static final Claim NONE = new Claim(List.of(), Set.of());
}
