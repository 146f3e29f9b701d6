import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError, EtcdRoleNotGrantedError, EtcdUserNotFoundError } from 'etcd3';
import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';

/**
 * etcd's refusal of who this client is or of what it asked (a wrong password, an unknown user, a
 * key outside the user's roles) as a DiscoveryError ACCESS_DENIED saying what was refused and
 * where; undefined for any other error. Trying again does not help: the credentials or the roles
 * must change (docs/security.md, "etcd roles").
 */
export function accessDenied(err: unknown, what: string, key: string): DiscoveryError | undefined {
  const login =
    err instanceof EtcdAuthenticationFailedError || err instanceof EtcdUserNotFoundError
      ? 'etcd refused the login (ETCD_USERNAME, ETCD_PASSWORD)'
      : undefined;
  const permission =
    err instanceof EtcdPermissionDeniedError || err instanceof EtcdRoleNotGrantedError
      ? `etcd refused the ${what} under ${key}: permission denied (the roles of ETCD_USERNAME do not cover this key)`
      : undefined;
  const message = login ?? permission;
  return message === undefined
    ? undefined
    : new DiscoveryError(DiscoveryErrorCodes.ACCESS_DENIED, message, { cause: err, context: { key } });
}
