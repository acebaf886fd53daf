/** The cloud assembly the global setup synthesized for this test run. */
export const TEST_ASSEMBLY_DIR = process.env.TEST_ASSEMBLY_DIR ?? '.local/test-cdk.out';
