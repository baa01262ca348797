import { createSocket } from 'node:dgram'
import type { Recording } from './calls.js'
import { decodeDatagram } from './csm.js'
import type { OperationMap } from './operations.js'

/** A running client-side monitoring listener, and how a child process reaches it. */
export interface MonitorListener {
  /** AWS_CSM_ENABLED, AWS_CSM_HOST and AWS_CSM_PORT for the command. */
  readonly env: Readonly<Record<string, string>>
  /** Stops listening, after the datagrams already received are read. */
  stop(): Promise<void>
}

/**
 * Listens for the SDKs' client-side monitoring datagrams on a random loopback UDP port and adds
 * each call they report to the recording. A datagram is read whole or not at all (UDP), at most
 * MAX_DATAGRAM bytes are decoded, and anything malformed is ignored: nothing a sender writes can
 * stop or stall the listener.
 */
export async function listenForMonitoring(
  recording: Recording,
  map: OperationMap
): Promise<MonitorListener> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 })
  socket.on('message', (datagram: Buffer) => {
    // decodeDatagram refuses one longer than MAX_DATAGRAM before reading it.
    const observation = decodeDatagram(datagram, map)
    if (observation !== undefined) recording.add(observation)
  })
  socket.on('error', () => {
    // A receive error concerns one datagram; the listener goes on.
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject)
      resolve()
    })
  })
  const { port } = socket.address()
  return {
    env: { AWS_CSM_ENABLED: 'true', AWS_CSM_HOST: '127.0.0.1', AWS_CSM_PORT: String(port) },
    stop: async () => {
      // Datagrams the command sent just before it ended may still wait in the socket's buffer;
      // one turn of the event loop with a short timer reads them.
      await new Promise(resolve => setTimeout(resolve, 100))
      await new Promise<void>(resolve => socket.close(() => resolve()))
    }
  }
}
