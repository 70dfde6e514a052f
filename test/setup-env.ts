// Keep the built-in template-check engine out of unit tests; test/apps.test.ts switches it on.
process.env.CDK_VALIDATION = 'false';
