/**
 * The intake abuse limits live in the config (`rateLimits.intake`): the demo city states them,
 * a city that says nothing gets the defaults, and a nonsensical limit stops start-up naming the key.
 */
import { ConfigError } from '../../src/config/load';
import { demoConfig, tinyCityConfig } from '../helpers/fixtures';

function refusal(yaml: string): string {
  try {
    tinyCityConfig(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('rateLimits.intake in the config', () => {
  test('the demo city states its limits', () => {
    expect(demoConfig.rateLimits.intake).toEqual({ window: 'PT1M', perKey: 120, perIp: 300 });
  });

  test('a city without the section gets the defaults, and may override one value', () => {
    expect(tinyCityConfig().rateLimits.intake).toEqual({ window: 'PT1M', perKey: 120, perIp: 300 });
    expect(tinyCityConfig('rateLimits: { intake: { perKey: 5 } }').rateLimits.intake).toEqual({ window: 'PT1M', perKey: 5, perIp: 300 });
  });

  test.each([
    ['rateLimits: { intake: { perKey: 0 } }', 'rateLimits.intake.perKey'],
    ['rateLimits: { intake: { perIp: 2.5 } }', 'rateLimits.intake.perIp'],
    ['rateLimits: { intake: { window: PT0.5S } }', 'rateLimits.intake.window'],
    ['rateLimits: { intake: { window: soon } }', 'rateLimits.intake.window'],
    ['rateLimits: { intake: { perMinute: 5 } }', 'rateLimits.intake'],
    ['rateLimits: { open311: {} }', 'rateLimits'],
  ])('%s is refused, naming %s', (yaml, key) => {
    expect(refusal(yaml)).toContain(key);
  });
});
