// A population simulation called with settings it cannot take (the CLI prints the message as a usage error).
export class SimulationUsageError extends Error {
  override readonly name = 'SimulationUsageError';
}
