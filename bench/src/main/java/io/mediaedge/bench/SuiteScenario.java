package io.mediaedge.bench;

import java.util.List;
import java.util.function.Consumer;

/**
 * What each of the suite's own scenarios works with: the options, the running systems
 * ({@link SuiteStack}), the suite's list of failures and its console.
 */
abstract class SuiteScenario {
  protected final SuiteOptions options;
  protected final SuiteStack stack;
  protected final List<String> failures;
  private final Consumer<String> console;

  SuiteScenario(SuiteOptions options, SuiteStack stack, List<String> failures, Consumer<String> console) {
    this.options = options;
    this.stack = stack;
    this.failures = failures;
    this.console = console;
  }

  void say(String message) {
    console.accept(message);
  }
}
