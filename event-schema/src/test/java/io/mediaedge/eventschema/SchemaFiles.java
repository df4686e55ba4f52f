package io.mediaedge.eventschema;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** A contract's JSON Schema as published on the class path, checked by a real validator. */
final class SchemaFiles {
  private final Schema schema;

  private SchemaFiles(Schema schema) {
    this.schema = schema;
  }

  static SchemaFiles load(String resource) {
    try (InputStream in = SchemaFiles.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is on the class path");
      return new SchemaFiles(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** What the schema finds wrong with {@code json}; empty when it accepts it. */
  List<Error> errors(String json) {
    return schema.validate(json, InputFormat.JSON);
  }
}
