package dev.parley.audit;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The audit log as CSV (RFC 4180), safe to open in a spreadsheet. */
final class AuditCsv {

  static final String HEADER = row("at", "action", "actor_id", "actor_name", "target", "target_name", "address", "detail");

  private AuditCsv() {
  }

  static String rows(List<AuditLog.Entry> entries) {
    StringBuilder out = new StringBuilder(entries.size() * 160);
    for (AuditLog.Entry e : entries) {
      out.append(row(e.at().toString(), e.action(), e.actorId() == null ? "" : e.actorId().toString(),
          e.actorName(), e.target(), e.targetName(), e.address(), e.detail().encode()));
    }
    return out.toString();
  }

  /**
   * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return, which some
   * strip first) as a formula: such a cell is written with a leading apostrophe, so it shows as text.
   */
  static String defuse(String cell) {
    if (cell == null || cell.isEmpty()) {
      return "";
    }
    char c = cell.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + cell : cell;
  }

  private static String row(String... cells) {
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT)) {
      for (String cell : cells) {
        printer.print(defuse(cell));
      }
      printer.println();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
