package dev.eventwire.http;

import dev.eventwire.support.ErrorDetail;
import dev.eventwire.support.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the routes (a malformed URI, a bad header), use
 * the service's JSON error body too, instead of Jetty's HTML page. Jetty closes the connection after such
 * a request, so the answer says {@code Connection: close}: a keep-alive client that reused it would send
 * its next request into a closing socket and get no answer at all.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final Json json;

    JsonErrorHandler(Json json) {
        this.json = json;
    }

    /** Every method's refusal gets the error body: Jetty's own choice is GET, POST and HEAD only, so OPTIONS * got an empty 404. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String codeName = switch (code) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> "http_" + code;
        };
        String text = switch (code) {
            case 400 -> "The request could not be parsed (malformed URI or headers).";
            case 404 -> "Nothing answers at this target.";
            default -> "The request was refused (HTTP " + code + ").";
        };
        byte[] body = json.write(new ErrorBody(new ErrorDetail(codeName, text, null))).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
