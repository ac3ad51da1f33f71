package org.vhdspark.cli;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.vhdspark.Finding;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.Footer;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.Location;

/** {@code vhd info IMAGE}: the image, its parent and its chain, as one JSON object. A missing parent is reported, not fatal. */
final class InfoCommand implements Command {
  @Override
  public String name() {
    return "info";
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location location = invocation.image();
    VhdOptions options = invocation.options();
    try (VhdChain chain = VhdChain.openAvailable(invocation.store(), location, options)) {
      String parentError = chain.failure()
          .map(failure -> VhdCli.withoutImage(String.valueOf(failure.getMessage()), location))
          .orElse(null);
      invocation.warn(chain.findings());
      if (parentError != null) {
        invocation.warn(location + ": " + parentError);
      }
      Writer out = invocation.text();
      out.write(toJson(location, chain, parentError));
      out.write('\n');
      out.flush();
    }
    return VhdCli.EXIT_OK;
  }

  private static String toJson(Location location, VhdChain chain, String parentError) throws IOException {
    VhdImage image = chain.image();
    Footer footer = image.footer();
    boolean sparse = image.type().isSparse();
    JsonWriter json = JsonWriter.indented().beginObject()
        .field("path", location.toString())
        .field("type", image.type().label())
        .field("virtualSize", image.virtualSize())
        .field("originalSize", footer.originalSize())
        .field("fileSize", image.source().size())
        .field("blockSize", sparse ? Long.valueOf(image.blockSize()) : null)
        .field("blocks", sparse ? Long.valueOf(image.blockCount()) : null)
        .field("allocatedBlocks", sparse ? Long.valueOf(image.allocatedBlockCount()) : null)
        .field("creatorApp", footer.creatorApplicationName())
        .field("creatorVersion", footer.creatorVersionText())
        .field("creatorHost", footer.creatorHostOsName())
        .field("uniqueId", footer.uniqueId().toString())
        .field("timestamp", footer.timestampInstant().toString())
        .name("geometry").beginObject()
        .field("cylinders", footer.geometry().cylinders())
        .field("heads", footer.geometry().heads())
        .field("sectorsPerTrack", footer.geometry().sectorsPerTrack())
        .endObject()
        .field("savedState", footer.savedState() != 0)
        .field("batmap", image.batmap().isPresent());
    json.name("parent");
    if (image.isDifferencing()) {
      parent(json, image.header().orElseThrow(), image.locatorPaths(), chain.depth() > 1 ? chain.layers().get(1).location() : null);
    } else {
      json.nullValue();
    }
    json.field("parentError", parentError);
    json.name("chain").beginArray();
    for (VhdChain.Layer layer : chain.layers()) {
      json.beginObject()
          .field("path", layer.location().toString())
          .field("type", layer.image().type().label())
          .field("uniqueId", layer.image().footer().uniqueId().toString())
          .endObject();
    }
    json.endArray();
    json.name("warnings").beginArray();
    for (Finding finding : chain.findings()) {
      json.beginObject().field("source", finding.source()).field("message", finding.message()).endObject();
    }
    return json.endArray().endObject().toString();
  }

  private static void parent(JsonWriter json, DynamicHeader header, List<VhdImage.LocatorPath> locators, Location resolved) {
    json.beginObject()
        .field("uniqueId", header.parentUniqueId().toString())
        .field("name", header.parentUnicodeName())
        .field("timestamp", VhdFormat.timestampToInstant(header.parentTimestamp()).toString())
        .name("locators").beginArray();
    for (VhdImage.LocatorPath locator : locators) {
      json.beginObject()
          .field("slot", locator.locator().slot())
          .field("platform", locator.locator().codeLabel())
          .field("path", locator.path())
          .endObject();
    }
    json.endArray()
        .field("resolvedPath", resolved == null ? null : resolved.toString())
        .endObject();
  }
}
