// A later step of a job, as a workflow's own code runs: it reads the profile named by
// AWS_PROFILE (and AWS_CONFIG_FILE) through the AWS SDK's own loaders, optionally calls STS
// with what it got, and prints the result as JSON.
//
//   node later-step.mjs ini|process [call]
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { fromProcess } from '@aws-sdk/credential-provider-process'

const [loader, call] = process.argv.slice(2)
// A new provider and no shared-file cache: every run asks the credential_process itself.
const options = { profile: process.env.AWS_PROFILE, ignoreCache: true }
const provider = loader === 'process' ? fromProcess(options) : fromIni(options)
const credentials = await provider()
let arn
if (call === 'call') {
  // The endpoint comes from AWS_ENDPOINT_URL_STS, the region from the profile.
  const client = new STSClient({ credentials })
  arn = (await client.send(new GetCallerIdentityCommand({}))).Arn
}
console.log(
  JSON.stringify({
    accessKeyId: credentials.accessKeyId,
    expiration: credentials.expiration?.toISOString(),
    arn
  })
)
