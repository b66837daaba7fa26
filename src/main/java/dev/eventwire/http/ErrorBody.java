package dev.eventwire.http;

import dev.eventwire.support.ErrorDetail;

/** The error body every failure answers with (codes in docs/api-choices.md). */
record ErrorBody(ErrorDetail error) {
}
