package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestJsonWriter {
  @Test
  void writesCompactLines() {
    String json = JsonWriter.compact().beginObject()
        .field("start", 0L).field("layer", (Long) null).field("path", (String) null).field("ok", true)
        .endObject().toString();
    assertThat(json).isEqualTo("{\"start\":0,\"layer\":null,\"path\":null,\"ok\":true}");
  }

  @Test
  void indentsNestedContainersAndLeavesEmptyOnesOnOneLine() {
    String json = JsonWriter.indented().beginObject()
        .name("list").beginArray().value(1L).beginObject().field("a", "b").endObject().endArray()
        .name("empty").beginArray().endArray()
        .name("none").beginObject().endObject()
        .endObject().toString();
    assertThat(json).isEqualTo("""
        {
          "list": [
            1,
            {
              "a": "b"
            }
          ],
          "empty": [],
          "none": {}
        }""");
    assertThat(TestingJson.parse(json)).isEqualTo(Map.of("list", List.of(1L, Map.of("a", "b")), "empty", List.of(),
        "none", Map.of()));
  }

  @Test
  void escapesWhatJsonRequires() {
    String tricky = "C:\\dir\\\"quoted\"\n\t\u0001 é";
    String json = JsonWriter.compact().beginArray().value(tricky).endArray().toString();
    assertThat(json).isEqualTo("[\"C:\\\\dir\\\\\\\"quoted\\\"\\n\\t\\u0001 é\"]");
    assertThat(TestingJson.parse(json)).isEqualTo(List.of(tricky));
  }
}
