// S3 addressing with a custom endpoint (shared/aws-endpoints.ts), decided once
// for the CLI's clients and the push function. test/handler/handler.test.ts and
// test/deploy/deploy-moto.test.ts run both against moto through AWS_ENDPOINT_URL;
// these cases pin the variables and their precedence.
import { expect } from 'chai';
import { s3Endpoint, s3PathStyle } from '../../shared/aws-endpoints.js';

describe('S3 endpoint and addressing (shared/aws-endpoints.ts)', () => {
  it('uses virtual-hosted addressing against AWS itself', () => {
    expect(s3Endpoint({})).to.equal(undefined);
    expect(s3PathStyle({})).to.equal(false);
    // An empty variable (a CI template that clears it) is no endpoint.
    expect(s3PathStyle({ AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_S3: '' })).to.equal(false);
  });

  it('switches to path style with a custom endpoint for every service or for S3 alone', () => {
    expect(s3Endpoint({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).to.equal(
      'http://127.0.0.1:5000',
    );
    expect(s3PathStyle({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).to.equal(true);
    expect(s3PathStyle({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5001' })).to.equal(true);
  });

  it('prefers the S3 endpoint over the general one, as the SDK does', () => {
    expect(
      s3Endpoint({
        AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5001',
      }),
    ).to.equal('http://127.0.0.1:5001');
  });

  it('a custom endpoint for another service alone leaves S3 on AWS', () => {
    expect(s3PathStyle({ AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:5000' })).to.equal(
      false,
    );
  });
});
