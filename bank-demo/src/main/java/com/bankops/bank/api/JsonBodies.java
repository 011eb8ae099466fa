package com.bankops.bank.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/** Reads a request body as a JSON object, refusing other media types and malformed JSON. */
final class JsonBodies {
  private JsonBodies() {}

  /** Handler for write routes: 415 unless the request says it carries JSON. */
  static void requireJson(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    String mime =
        contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json")) {
      ctx.fail(
          new RequestException(
              415,
              "unsupported_media_type",
              "Content-Type",
              "Content-Type must be application/json"));
      return;
    }
    ctx.next();
  }

  /**
   * The body as a map of decoded JSON values: integers stay Integer/Long/BigInteger, fractions
   * become Double, so the domain can tell {@code 10} from {@code 10.0} and {@code "10"}.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw new RequestException(400, "malformed_json", "body", "the body must be a JSON object");
    }
    Object decoded;
    try {
      decoded = Json.CODEC.fromString(text, Object.class);
    } catch (DecodeException e) {
      throw new RequestException(400, "malformed_json", "body", "the body is not valid JSON");
    }
    if (decoded instanceof JsonObject) {
      return ((JsonObject) decoded).getMap();
    }
    if (!(decoded instanceof Map)) {
      throw new RequestException(400, "malformed_json", "body", "the body must be a JSON object");
    }
    return (Map<String, Object>) decoded;
  }
}
