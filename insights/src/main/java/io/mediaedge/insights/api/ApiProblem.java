package io.mediaedge.insights.api;

/** A request the API refuses: rendered once, by {@link InsightsRoutes}' failure handler, as JSON. */
final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  ApiProblem(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiProblem badParameter(String message) {
    return new ApiProblem(400, "INVALID_PARAMETER", message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
