package dev.detopt.service.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.model.study.contract.WireJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** RFC 7396's own examples (its appendix A), a selection. */
class MergePatchTest {

    static JsonNode json(String text) {
        return WireJson.mapper().readTree(text);
    }

    static void check(String target, String patch, String expected) {
        JsonNode original = json(target);
        assertThat(MergePatch.apply(original, json(patch))).isEqualTo(json(expected));
        assertThat(original).as("the target is not changed").isEqualTo(json(target));
    }

    @Test
    void rfc7396Examples() {
        check("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
        check("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
        check("{\"a\":\"b\"}", "{\"a\":null}", "{}");
        check("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
        check("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
        check("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
        check("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
        check("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
        check("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
        check("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
        check("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
    }
}
