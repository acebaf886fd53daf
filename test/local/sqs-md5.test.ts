import { describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes } from '../../local/cloud/sqs/md5.ts';

// Expected digests are published values from other SQS implementations' tests, not computed here.
describe('sqs message checksums', () => {
  it('digests one string attribute as SQS does', () => {
    // Prepare
    const attributes = { SellerName: { DataType: 'String', StringValue: 'Example Store' } };

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
  });

  it('digests attributes in name order whatever order they were given in', () => {
    // Prepare
    const attributes = {
      ordinal: { DataType: 'Number', StringValue: '1' },
      category: { DataType: 'String', StringValue: 'test' },
    };

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('omits the attribute digest when a message has no attributes', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });

  it('distinguishes binary from string values carrying the same bytes', () => {
    // Prepare
    const asString = { blob: { DataType: 'Binary', StringValue: 'abc' } };
    const asBinary = { blob: { DataType: 'Binary', BinaryValue: Buffer.from('abc').toString('base64') } };

    // Act + Assess
    expect(md5OfMessageAttributes(asBinary)).not.toBe(md5OfMessageAttributes(asString));
  });

  it('digests the body as UTF-8', () => {
    expect(md5OfBody('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5OfBody('The quick brown fox jumps over the lazy dog')).toBe('9e107d9d372bb6826bd81d3542a419d6');
  });
});
