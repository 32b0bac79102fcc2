package dev.parley.testing;

import dev.parley.Platform;
import dev.parley.directory.Role;
import dev.parley.directory.Users;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates companies and people straight in the database, as an admin would have. */
public final class Fixtures {

  public static final String PASSWORD = "correct-horse-battery";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Platform platform;
  private String hash;

  public Fixtures(Platform platform) {
    this.platform = platform;
  }

  /**
   * A company whose notification emails go out at once (delay 0), as the tests of email expect; a test
   * of the delay sets it through the API.
   */
  public Company company(String name) {
    UUID id = platform.pool().preparedQuery("insert into companies (name, notification_delay_seconds) values ($1, 0) returning id")
        .execute(Tuple.of(name)).await().iterator().next().getUUID("id");
    platform.pool().preparedQuery("insert into messaging_settings (company_id) values ($1)").execute(Tuple.of(id)).await();
    return new Company(id, name);
  }

  private synchronized String hash() {
    if (hash == null) {
      hash = platform.passwords().hash(PASSWORD).await();
    }
    return hash;
  }

  /** A company and the people in it. */
  public final class Company {
    public final UUID id;
    public final String name;

    Company(UUID id, String name) {
      this.id = id;
      this.name = name;
    }

    public Person admin(String name) {
      return person(name, Role.ADMIN, null);
    }

    public Person staff(String name) {
      return person(name, Role.STAFF, null);
    }

    public Person client(String name, Person coordinator) {
      return person(name, Role.CLIENT, coordinator);
    }

    public Person client(String name) {
      return person(name, Role.CLIENT, null);
    }

    public Person prospect(String name, Person coordinator) {
      return person(name, Role.PROSPECT, coordinator);
    }

    public Person prospect(String name) {
      return person(name, Role.PROSPECT, null);
    }

    public Person person(String name, Role role, Person coordinator) {
      String email = name.toLowerCase().replaceAll("[^a-z0-9]+", ".") + "." + COUNTER.incrementAndGet() + "@example.test";
      var u = Users.insert(platform.pool(), id, email, name, role, coordinator == null ? null : coordinator.id, hash()).await();
      return new Person(u.id(), email, name, role, this);
    }

    /** {@code count} clients of this coordinator, named "{@code name} 0", "{@code name} 1", and so on. */
    public java.util.List<Person> clients(String name, int count, Person coordinator) {
      java.util.List<Person> out = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        out.add(client(name + " " + i, coordinator));
      }
      return out;
    }

    public Fixtures fixtures() {
      return Fixtures.this;
    }
  }

  /** Someone who can sign in with {@link #PASSWORD}. */
  public record Person(UUID id, String email, String name, Role role, Company company) {
    public Api.Session login(Api api) {
      return api.login(email, PASSWORD);
    }

    public String sid() {
      return id.toString();
    }
  }
}
