package com.bankops.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The library checks {@code multipleOf: 0.01} on doubles with an epsilon. This pins that every
 * basis point 0..10000, as a client would write it ("12.34"), passes the contract's schema for
 * {@code percent}, and that a third decimal or a value out of range does not.
 */
class CanaryPercentSchemaTest {

  private static Validator percentValidator() throws Exception {
    Map<String, Object> contract =
        new ObjectMapper(new YAMLFactory())
            .readValue(AdminRouter.contractBytes(), new TypeReference<>() {});
    JsonObject percent =
        new JsonObject(contract)
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("CanaryRequest")
            .getJsonObject("properties")
            .getJsonObject("percent");
    return Validator.create(
        JsonSchema.of(percent),
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri("app:///")
            .setOutputFormat(OutputFormat.Basic));
  }

  @Test
  void everyBasisPointIsAValidPercent() throws Exception {
    Validator v = percentValidator();
    for (int bp = 0; bp <= 10_000; bp++) {
      String written = BigDecimal.valueOf(bp, 2).stripTrailingZeros().toPlainString();
      double parsed = Double.parseDouble(written); // what the JSON decoder hands the validator
      assertThat(v.validate(parsed).getValid()).as(written).isTrue();
    }
  }

  @Test
  void finerOrOutOfRangeValuesAreNot() throws Exception {
    Validator v = percentValidator();
    for (double bad : new double[] {12.345, 0.001, 0.005, 99.999, 100.01, -0.01, 1e9}) {
      assertThat(v.validate(bad).getValid()).as(Double.toString(bad)).isFalse();
    }
  }
}
