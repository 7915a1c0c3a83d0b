import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Injectable()
class Foo {
  constructor(readonly n: number) {}
}

describe('esm transform', () => {
  it('imports nest', () => {
    expect(typeof Injectable).toBe('function');
    expect(typeof NestFactory.create).toBe('function');
    expect(Reflect.getMetadata('design:paramtypes', Foo)).toEqual([Number]);
  });
});
