// Runs the NetworkAgentDriver contract against the fake driver.
import { networkDriverContract } from './contract.case.js';
import { FakeNetworkAgentDriver } from './fake-agent-driver.js';

networkDriverContract('fake', () => {
  const driver = new FakeNetworkAgentDriver();
  return { driver, host: (name) => driver.host(name) };
});
