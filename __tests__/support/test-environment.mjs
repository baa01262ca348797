// Every test run: no instance-metadata or container credentials, no shared config from the
// machine, and STS pointed at the loopback endpoint; the guard refuses anything else.
import './loopback-guard.mjs'

process.env.AWS_EC2_METADATA_DISABLED = 'true'
for (const name of Object.keys(process.env)) {
  if (
    name.startsWith('AWS_CONTAINER_CREDENTIALS_') ||
    name === 'AWS_CONTAINER_AUTHORIZATION_TOKEN'
  ) {
    delete process.env[name]
  }
}
for (const name of [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
]) {
  delete process.env[name]
}
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/scoped-role-tests/credentials'
process.env.AWS_CONFIG_FILE = '/nonexistent/scoped-role-tests/config'
// Nothing listens here; a test that needs STS starts the local endpoint and overrides this.
process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:9'
