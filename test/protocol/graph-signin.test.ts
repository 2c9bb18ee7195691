import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type GraphSignIn,
  ptaAgentId,
  ptaMethodDetail,
  simAgentId,
} from '../../src/protocol/graph-signin.js';

const base: GraphSignIn = { id: '1', createdDateTime: '2026-12-01T08:00:00Z' };
const ID = '7b2d4c6e-1f3a-4b5c-8d9e-0a1b2c3d4e5f';

test('the PTA agent comes from authenticationMethodDetail, else from the processing details', () => {
  assert.equal(
    ptaAgentId({
      ...base,
      authenticationDetails: [
        { authenticationMethod: 'Password', authenticationMethodDetail: ptaMethodDetail(ID.toUpperCase()) },
      ],
    }),
    ID,
  );
  assert.equal(
    ptaAgentId({
      ...base,
      authenticationDetails: [
        { authenticationMethodDetail: `Pass-through Authentication; PTA AgentId: ${ID}` },
      ],
    }),
    ID,
  );
  assert.equal(
    ptaAgentId({
      ...base,
      authenticationProcessingDetails: [{ key: 'Pass-through Authentication Agent Id', value: ID }],
    }),
    ID,
  );
  assert.equal(
    ptaAgentId({ ...base, authenticationDetails: [{ authenticationMethodDetail: 'Password Hash Sync' }] }),
    undefined,
  );
  assert.equal(ptaAgentId(base), undefined, 'a lockout names no agent');
});

test('simulated agents get stable, distinct, well-formed GUIDs from their names', () => {
  const a = simAgentId('agent-1');
  assert.equal(a, simAgentId('agent-1'));
  assert.notEqual(a, simAgentId('agent-2'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
