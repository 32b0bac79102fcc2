package dev.parley;

import io.vertx.core.net.SocketAddress;

/**
 * The address of the client at the other end of a connection, in the form people read: an IPv6
 * address in its short form (RFC 5952: {@code ::1}, not {@code 0:0:0:0:0:0:0:1}), an IPv4 address as
 * is. It is written to the audit log and keys the per-address rate limits, so one client has one form.
 */
public final class ClientAddress {

  private ClientAddress() {
  }

  /** The connection's peer address; null when the connection has none (a closed socket). */
  public static String of(SocketAddress address) {
    if (address == null) {
      return null;
    }
    return shorten(address.hostAddress() != null ? address.hostAddress() : address.host());
  }

  /** An IPv6 address in RFC 5952's form; anything else unchanged. */
  static String shorten(String host) {
    if (host == null || host.indexOf(':') < 0 || host.contains("::")) {
      return host;
    }
    int zone = host.indexOf('%');
    String suffix = zone < 0 ? "" : host.substring(zone);
    String[] groups = (zone < 0 ? host : host.substring(0, zone)).split(":", -1);
    if (groups.length != 8) {
      return host;
    }
    int[] values = new int[8];
    for (int i = 0; i < 8; i++) {
      try {
        values[i] = Integer.parseInt(groups[i], 16);
      } catch (NumberFormatException e) {
        return host;
      }
    }
    // the longest run of two or more zero groups (the first when two are equal) becomes "::"
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (values[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && values[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(values[i]));
    }
    return out.append(suffix).toString();
  }
}
