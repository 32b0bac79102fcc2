package dev.parley.notify;

import dev.parley.messaging.MessageView;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Loads messages by id, whoever may see them (missing ids are absent): the one loader the thread API
 * and the live feed use, handed to the outbox worker by the node assembly, so the emails read a
 * message exactly as the API does while messaging (which writes the outbox) stays the only caller of
 * its own loader.
 */
@FunctionalInterface
public interface Messages {

  Future<Map<UUID, MessageView>> load(SqlClient client, Collection<UUID> ids);
}
