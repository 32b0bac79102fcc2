package dev.parley.logs;

import org.slf4j.spi.MDCAdapter;

import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logger context's MDC: logback's own, plus the {@link RequestFields} of the request the logging
 * thread is handling. Logback reads an event's MDC on the thread that logs it (before the asynchronous
 * appender hands the event to its writer), which is the thread the request's context runs on.
 */
final class RequestMdc implements MDCAdapter {

  private final MDCAdapter own;

  RequestMdc(MDCAdapter own) {
    this.own = own;
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    Map<String, String> base = own.getCopyOfContextMap();
    RequestFields request = RequestFields.current();
    if (request == null) {
      return base;
    }
    Map<String, String> out = base == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base);
    out.putAll(request.asMap());
    return out;
  }

  @Override
  public void put(String key, String val) {
    own.put(key, val);
  }

  @Override
  public String get(String key) {
    return own.get(key);
  }

  @Override
  public void remove(String key) {
    own.remove(key);
  }

  @Override
  public void clear() {
    own.clear();
  }

  @Override
  public void setContextMap(Map<String, String> contextMap) {
    own.setContextMap(contextMap);
  }

  @Override
  public void pushByKey(String key, String value) {
    own.pushByKey(key, value);
  }

  @Override
  public String popByKey(String key) {
    return own.popByKey(key);
  }

  @Override
  public Deque<String> getCopyOfDequeByKey(String key) {
    return own.getCopyOfDequeByKey(key);
  }

  @Override
  public void clearDequeByKey(String key) {
    own.clearDequeByKey(key);
  }
}
