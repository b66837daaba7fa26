package dev.eventwire.support;

/** The inner object of the error body; {@code field} is null when the error is not about one field. */
public record ErrorDetail(String code, String message, String field) {
}
