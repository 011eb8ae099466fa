package com.bankops.balancer.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failed admin request becomes a status and a JSON body naming the field.
 *
 * <pre>
 * contract validation (ValidatorException in a 400)  → 400 invalid_request, field from the schema
 *   body of an unsupported media type                → 415 unsupported_media_type, Content-Type
 * body over the limit (BodyHandler)                  → 413 payload_too_large, body
 * no route / wrong method                            → 404 not_found / 405 method_not_allowed
 * ControlPlane refusal IllegalArgumentException     → 400, field named first in its message
 * ControlPlane refusal IllegalStateException         → 409 conflict
 * anything else                                      → 500 internal (logged)
 * </pre>
 */
final class AdminFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminFailureHandler.class);
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"|'([^']+)'");
  private static final Pattern PARAMETER =
      Pattern.compile("(?:path|query|header|cookie) parameter (\\S+)");
  private static final Pattern LEADING_FIELD =
      Pattern.compile("^([A-Za-z][A-Za-z0-9_.\\[\\]-]*): ");

  @Override
  public void handle(RoutingContext rc) {
    toError(rc).send(rc);
  }

  static AdminError toError(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof HttpException && failure.getCause() instanceof ValidatorException) {
      return fromValidation((ValidatorException) failure.getCause());
    }
    if (failure instanceof ValidatorException) {
      return fromValidation((ValidatorException) failure);
    }
    if (failure instanceof RefusedByControlPlane) {
      return fromControlPlane(failure.getCause());
    }
    int status = failure instanceof HttpException ? ((HttpException) failure).getStatusCode() : -1;
    if (status < 0) {
      status = rc.statusCode();
    }
    switch (status) {
      case 400:
        return AdminError.invalid("body", "bad request");
      case 404:
        return AdminError.notFound("path", "no such resource: " + rc.normalizedPath());
      case 405:
        return new AdminError(
            405,
            "method_not_allowed",
            "method",
            rc.request().method() + " is not allowed on " + rc.normalizedPath());
      case 413:
        return new AdminError(
            413,
            "payload_too_large",
            "body",
            "request body over " + AdminRouter.BODY_LIMIT_BYTES + " bytes");
      case 415:
        return unsupportedMediaType();
      default:
        if (status > 0 && status < 500) {
          return new AdminError(status, "invalid_request", "", "request refused");
        }
        LOG.error(
            "admin request failed: {} {}", rc.request().method(), rc.normalizedPath(), failure);
        return new AdminError(500, "internal", "", "internal error");
    }
  }

  /**
   * The control plane refuses with IllegalArgumentException ("port: 0 (expected: ...)": 400 naming
   * the leading field) or IllegalStateException (409, e.g. a duplicate host:port).
   */
  static AdminError fromControlPlane(Throwable refusal) {
    String message = refusal.getMessage() == null ? "refused" : refusal.getMessage();
    if (refusal instanceof IllegalArgumentException) {
      Matcher m = LEADING_FIELD.matcher(message);
      return AdminError.invalid(m.find() ? m.group(1) : "body", message);
    }
    Matcher m = LEADING_FIELD.matcher(message);
    return AdminError.conflict(m.find() ? m.group(1) : "", message);
  }

  /** Marks a refusal from {@link ControlPlane} (not a bug of ours) on its way to this handler. */
  static final class RefusedByControlPlane extends RuntimeException {
    RefusedByControlPlane(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Maps the contract validator's verdict, keeping its message and naming the field. */
  static AdminError fromValidation(ValidatorException e) {
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return unsupportedMediaType();
    }
    // "The value of path parameter id is invalid. ..." names a parameter, not a body field.
    Matcher parameter = PARAMETER.matcher(e.getMessage());
    if (parameter.find()) {
      return AdminError.invalid(parameter.group(1), e.getMessage());
    }
    if (e instanceof SchemaValidationException) {
      return fromSchema(((SchemaValidationException) e).getOutputUnit(), e.getMessage());
    }
    return AdminError.invalid("body", e.getMessage());
  }

  private static AdminError unsupportedMediaType() {
    return new AdminError(
        415, "unsupported_media_type", "Content-Type", "the request body must be application/json");
  }

  /**
   * The library reports, for {@code {"percent": -1}}, a flat list like
   *
   * <pre>
   * #/properties                       #/percent  Property "percent" does not match schema
   * #/properties/percent/minimum       #/percent  -1 is less than 0
   * #/additionalProperties             #/percent  Property "percent" does not match additional ...
   * </pre>
   *
   * and sums it up with the last, least helpful line. This picks the field from the first error at
   * a property and keeps the errors of that property's own keywords: {@code percent: -1 is less
   * than 0}. A missing required property ({@code #/required} at {@code #}) names it in quotes; an
   * undeclared one has only the additionalProperties error.
   */
  static AdminError fromSchema(OutputUnit outcome, String libraryMessage) {
    List<OutputUnit> errors = leaves(outcome);
    for (OutputUnit u : errors) {
      String field = fieldOf(u.getInstanceLocation());
      if (!field.isEmpty()) {
        List<String> specific = new ArrayList<>();
        for (OutputUnit v : errors) {
          String keyword = v.getKeywordLocation() == null ? "" : v.getKeywordLocation();
          boolean summary =
              keyword.endsWith("/properties") || keyword.endsWith("/additionalProperties");
          if (!summary && field.equals(fieldOf(v.getInstanceLocation()))) {
            specific.add(v.getError());
          }
        }
        String what =
            specific.isEmpty()
                ? "unknown property (expected only the declared properties)"
                : String.join("; ", specific);
        return AdminError.invalid(field, field + ": " + what);
      }
    }
    for (OutputUnit u : errors) {
      Matcher quoted = QUOTED.matcher(String.valueOf(u.getError()));
      if (u.getErrorType() == OutputErrorType.MISSING_VALUE && quoted.find()) {
        String field = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
        return AdminError.invalid(field, field + ": missing (required)");
      }
    }
    String first = errors.isEmpty() ? libraryMessage : errors.get(0).getError();
    return AdminError.invalid("body", "body: " + first);
  }

  private static List<OutputUnit> leaves(OutputUnit unit) {
    List<OutputUnit> out = new ArrayList<>();
    if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
      if (unit.getError() != null) {
        out.add(unit);
      }
      return out;
    }
    for (OutputUnit child : unit.getErrors()) {
      out.addAll(leaves(child));
    }
    return out;
  }

  /** {@code #/percent} or {@code /percent} → {@code percent}; {@code #/a/0/b} → {@code a[0].b}. */
  static String fieldOf(String instanceLocation) {
    String location = instanceLocation == null ? "" : instanceLocation;
    if (location.startsWith("#")) {
      location = location.substring(1);
    }
    StringBuilder sb = new StringBuilder();
    for (String part : location.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String name = part.replace("~1", "/").replace("~0", "~");
      if (name.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(name).append(']');
      } else {
        sb.append(sb.length() == 0 ? "" : ".").append(name);
      }
    }
    return sb.toString();
  }
}
