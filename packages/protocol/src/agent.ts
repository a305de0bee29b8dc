import { z } from 'zod';
import { EnrolResponse } from './org.js';

/**
 * The desktop agent's configuration file (`agent.json` in the agent's folder), written by
 * `wachsam-agent enroll`, or by the server for the demo workstation on first start.
 */
export const AgentConfigFile = z.object({
  version: z.literal(1),
  server: z.url(),
  enrolment: EnrolResponse,
});
export type AgentConfigFile = z.infer<typeof AgentConfigFile>;
export const agentConfigFileName = 'agent.json';
