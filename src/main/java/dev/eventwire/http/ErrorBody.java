package dev.eventwire.http;

import dev.eventwire.support.ErrorDetail;

/** The error body of SPEC §3. */
record ErrorBody(ErrorDetail error) {
}
