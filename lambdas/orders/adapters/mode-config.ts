import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BRAND_MODES, findBrand, type BrandMode } from '#config/brands';

/** A flip in the config table reaches every warm function within this time (the issue allows 60 s). */
export const MODE_CACHE_TTL_MS = 30_000;

export const KILL_SWITCH_KEY = { pk: 'GLOBAL', sk: 'KILL_SWITCH' } as const;
export const brandModeKey = (brand: string) => ({ pk: `BRAND#${brand}`, sk: 'MODE' });

export interface ModeSettings {
  readonly killSwitchEngaged: boolean;
  readonly brandMode: BrandMode;
}

/**
 * Reads the kill switch and a brand's mode from the config table, cached per brand for at most
 * 30 s. A brand with no item runs in its configured default mode.
 */
export class ModeConfig {
  private readonly documents: DynamoDBDocumentClient;
  private readonly cache = new Map<string, { settings: ModeSettings; expiresAt: number }>();

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
    private readonly now: () => number = Date.now,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async settingsFor(brand: string): Promise<ModeSettings> {
    const cached = this.cache.get(brand);
    if (cached && cached.expiresAt > this.now()) return cached.settings;
    const { Responses } = await this.documents.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [KILL_SWITCH_KEY, brandModeKey(brand)], ConsistentRead: true } } }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const killSwitch = items.find((item) => item.pk === KILL_SWITCH_KEY.pk);
    const mode = items.find((item) => item.pk === brandModeKey(brand).pk)?.mode as string | undefined;
    const settings: ModeSettings = {
      killSwitchEngaged: killSwitch?.engaged === true,
      brandMode: (BRAND_MODES as readonly string[]).includes(mode ?? '') ? (mode as BrandMode) : (findBrand(brand)?.defaultMode ?? 'legacy'),
    };
    this.cache.set(brand, { settings, expiresAt: this.now() + MODE_CACHE_TTL_MS });
    return settings;
  }
}
