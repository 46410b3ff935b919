package dev.correlator.cli;
public class CorrelatorCli { public static void main(String[] a) {} }
