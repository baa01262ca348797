import { stsEndpointUrl, type StsEndpointSettings } from '../aws/proxy.js'
import type { RetryPolicy } from '../aws/retry.js'
import {
  createStsClient,
  type AssumedSession,
  type AwsCredentials,
  type Sts,
  type StsClientOptions
} from '../aws/sts.js'
import type { FrontWording } from '../shared/front.js'
import type { SourceChoice } from '../sources/choose.js'
import type { CredentialChain } from '../sources/credentials.js'

export const USER_AGENT = 'scoped-role/0.1.0'

/** What a flow needs from its front: the runner's or the terminal's. */
export interface FlowDependencies {
  env: Record<string, string | undefined>
  /** How the messages speak of where they are read (a workflow step, a terminal). */
  wording: FrontWording
  /** Registers a secret so no later line shows it; called before anything else sees the value. */
  mask: (secret: string) => void
  info: (line: string) => void
  warn: (line: string) => void
  debug: (line: string) => void
  /** A GitHub OIDC ID token for the audience. */
  requestIdToken: (audience: string) => Promise<string>
  /** Reads a web identity token file, bounded. */
  readFile: (path: string) => string
  credentialChain?: CredentialChain
  /** HTTP agents that go through a proxy, when one applies to the STS endpoint. */
  proxyAgents?: (settings: StsEndpointSettings) => StsClientOptions['agents']
}

/**
 * The session a flow hands to its front: STS's answer, or (keys without a role) the keys
 * themselves, whose expiry is not known.
 */
export type StepSession = Omit<AssumedSession, 'credentials'> & { credentials: AwsCredentials }

/** Whether STS issued the session (a token and an expiry), rather than keys kept or given. */
export function isIssued(session: StepSession): session is AssumedSession {
  const { sessionToken, expiration } = session.credentials
  return sessionToken !== undefined && expiration !== undefined
}

/** What a flow hands back; the assume flow's session is always one STS issued. */
export interface FlowResult<S extends StepSession = StepSession> {
  session: S
  source: SourceChoice
  /** via-roles: the session of each hop before the last, in order. */
  hops?: AssumedSession[]
  /** use-existing-credentials: the environment's credentials were kept; nothing new to export. */
  reused?: boolean
}

/** A client for these settings: endpoint, FIPS, proxy, retry policy; signed when credentials are given. */
export function connect(
  settings: StsEndpointSettings & { retry: RetryPolicy },
  deps: FlowDependencies,
  credentials?: AwsCredentials
): Sts {
  return createStsClient({
    region: settings.region,
    endpoint: settings.stsEndpoint,
    useFipsEndpoint: settings.useFipsEndpoint,
    credentials,
    userAgent: USER_AGENT,
    retry: settings.retry,
    agents: deps.proxyAgents?.(settings),
    log: deps.info,
    mask: deps.mask,
    endpointUrl: stsEndpointUrl(settings, deps.env),
    wording: deps.wording
  })
}
