import { describe, expect, it } from '@jest/globals'
import { createSocket } from 'node:dgram'
import type { Recording } from '../../../src/record/calls.js'
import type { Observation } from '../../../src/record/decode.js'
import { listenForMonitoring } from '../../../src/record/monitor.js'
import type { OperationMap } from '../../../src/record/operations.js'

const map: OperationMap = {
  origin: 'test',
  services: { dynamodb: { i: 'dynamodb', s: ['DynamoDB'] } }
}

/** Only what the listener uses of a recording: add. */
function fakeRecording() {
  const seen: Observation[] = []
  return { seen, recording: { add: (o: Observation) => seen.push(o) } as unknown as Recording }
}

async function send(port: number, ...datagrams: (string | Buffer)[]) {
  const socket = createSocket('udp4')
  // Bound to loopback first: an unbound socket would bind to 0.0.0.0 when it sends.
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
  for (const datagram of datagrams) {
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, port, '127.0.0.1', error => (error ? reject(error) : resolve()))
    )
  }
  await new Promise<void>(resolve => socket.close(() => resolve()))
}

const apiCall = JSON.stringify({ Type: 'ApiCall', Service: 'DynamoDB', Api: 'ListTables' })

describe('listenForMonitoring', () => {
  it('tells the command to send its datagrams to a loopback port it listens on', async () => {
    const { recording } = fakeRecording()
    const listener = await listenForMonitoring(recording, map)
    try {
      const { AWS_CSM_PORT, ...rest } = listener.env
      expect(rest).toStrictEqual({ AWS_CSM_ENABLED: 'true', AWS_CSM_HOST: '127.0.0.1' })
      expect(AWS_CSM_PORT).toMatch(/^[1-9]\d*$/)
    } finally {
      await listener.stop()
    }
  })

  it('adds each reported call, ignores the rest, and reads what came just before stop', async () => {
    const { seen, recording } = fakeRecording()
    const listener = await listenForMonitoring(recording, map)
    const port = Number(listener.env.AWS_CSM_PORT)
    await send(
      port,
      apiCall,
      'not json',
      JSON.stringify({ Type: 'ApiCallAttempt', Service: 'DynamoDB', Api: 'ListTables' }),
      Buffer.alloc(9000, 0x20),
      apiCall
    )
    await listener.stop()
    expect(seen).toStrictEqual([
      { service: 'dynamodb', region: '', operation: 'ListTables', params: {}, via: 'csm' },
      { service: 'dynamodb', region: '', operation: 'ListTables', params: {}, via: 'csm' }
    ])
  })

  it('listens no more once stopped', async () => {
    const { seen, recording } = fakeRecording()
    const listener = await listenForMonitoring(recording, map)
    await listener.stop()
    await send(Number(listener.env.AWS_CSM_PORT), apiCall)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(seen).toEqual([])
  })
})
