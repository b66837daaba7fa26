package dev.eventwire.delivery;

import java.util.List;

/** Told, right after the commit that recorded them, of the effects of attempt outcomes. Must not block. */
@FunctionalInterface
public interface DeliveryEffects {
    void committed(List<DeliveryEffect> effects);

    DeliveryEffects NONE = effects -> { };
}
