package com.bankops.bank.api;

/** An HTTP-level refusal found before the domain is reached (content type, malformed JSON, ...). */
final class RequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String field;

  RequestException(int status, String error, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.field = field;
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  String field() {
    return field;
  }
}
