import { ConflictError } from '../common/errors/domain-error';

/**
 * The connection names a connector that is not installed (its folder was removed or renamed).
 * It is still listed, shown and deletable; nothing can run it until the connector is back.
 */
export class ConnectorNotInstalledError extends ConflictError {
  constructor(connectionId: string, connector: string) {
    super(
      `Connection ${connectionId} uses the connector "${connector}", which is not installed: ` +
        'install it again, or delete the connection',
      { connector },
    );
  }
}
